/** Runs the `porthole` command line as a user would: bin/porthole, a child process, in an environment of the test's own. */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = join(import.meta.dirname, "..", "..", "bin", "porthole");

export interface CliRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** A home of its own (no Docker config unless a test writes one) and a cache of its own. */
export function cliHome(): { home: string; dockerConfig: string; env: Record<string, string> } {
  const home = mkdtempSync(join(tmpdir(), "porthole-cli-"));
  const dockerConfig = join(home, ".docker");
  mkdirSync(dockerConfig);
  return {
    home,
    dockerConfig,
    env: { HOME: home, DOCKER_CONFIG: dockerConfig, PORTHOLE_DOCKER_CONFIG: "", PORTHOLE_CACHE_DIR: join(home, "cache"), XDG_CACHE_HOME: "" },
  };
}

export function porthole(args: string[], options: { env: Record<string, string>; cwd?: string }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { cwd: options.cwd ?? tmpdir(), env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}
