import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

/** Starts the built app with `env` on a spare loopback port; resolves with its exit code and output (or null if it kept running). */
function startBuiltApp(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(ROOT, "node_modules", ".bin", "next"), ["start", "-H", "127.0.0.1", "-p", "3198"], {
      cwd: ROOT,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("start-up", () => {
  it("refuses to start on a setting that does not parse, naming the variable", async () => {
    const { code, output } = await startBuiltApp({ PORTHOLE_CACHE_MAX_BYTES: "lots" });
    expect(code).toBe(1);
    expect(output).toContain('Porthole cannot start: PORTHOLE_CACHE_MAX_BYTES="lots" is not valid: expected a whole number of bytes');
  });
});
