/**
 * The built app (`next build` output), started on APP_URL against the test world, for browser
 * tests. It has no server-wide credentials (users sign in), and a fresh cache folder, removed on stop.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APP_URL } from "./config";

export async function startApp(): Promise<{ stop(): Promise<void> }> {
  const root = join(import.meta.dirname, "..", "..");
  if (!existsSync(join(root, ".next", "BUILD_ID"))) throw new Error("the app is not built: run `npx next build` first (scripts/test.sh does)");
  const cacheDir = mkdtempSync(join(tmpdir(), "porthole-app-cache-"));
  const { hostname, port } = new URL(APP_URL);
  let log = "";
  const child = spawn(join(root, "node_modules", ".bin", "next"), ["start", "-H", hostname, "-p", port], {
    cwd: root,
    env: {
      ...process.env,
      PORTHOLE_ALLOW_PRIVATE_HOSTS: "1",
      PORTHOLE_DOCKER_CONFIG: "",
      PORTHOLE_CACHE_DIR: cacheDir,
      NEXT_TELEMETRY_DISABLED: "1",
      PORTHOLE_QUIET_LOG: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  process.once("exit", () => child.kill("SIGKILL"));
  const stop = async () => {
    if (child.exitCode === null) await new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGTERM")));
    rmSync(cacheDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${APP_URL}/api/health`)).ok) return { stop };
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await stop();
  throw new Error(`the app did not start on ${APP_URL}:\n${log}`);
}
