/**
 * The built app (`next build` output) as a real server process: the one the browser tests use on
 * APP_URL against the test world (no server-wide credentials: users sign in; a fresh cache folder,
 * removed on stop), and others that tests start with settings of their own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Ceph } from "./ceph";
import { APP_URL } from "./config";

const ROOT = join(import.meta.dirname, "..", "..");

export interface RunningApp {
  url: string;
  cacheDir: string;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM, then waits for the exit; removes the cache folder. */
  stop(): Promise<void>;
}

/** Starts the built server as a user would (`PORT=… HOST=… npm start`) on `url`, with the test world's defaults and `env` on top; does not wait for it. */
export function spawnApp(url: string, env: Record<string, string> = {}, args: string[] = []): RunningApp {
  const built = existsSync(join(ROOT, ".next", "BUILD_ID")) && existsSync(join(ROOT, "dist", "server.mjs"));
  if (!built) throw new Error("the app is not built: run `npm run build` first (scripts/test.sh does)");
  const cacheDir = mkdtempSync(join(tmpdir(), "porthole-app-cache-"));
  const { hostname, port } = new URL(url);
  let log = "";
  // `npm start`'s own command, without npm in between: signals reach the server itself.
  const child = spawn(process.execPath, [join(ROOT, "dist", "server.mjs"), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: hostname,
      PORT: port,
      PORTHOLE_ALLOW_PRIVATE_HOSTS: "1",
      PORTHOLE_DOCKER_CONFIG: "",
      PORTHOLE_CACHE_DIR: cacheDir,
      NEXT_TELEMETRY_DISABLED: "1",
      PORTHOLE_QUIET_LOG: "1",
      // Every gzip layer indexed for random access: the tests' small images take the path big layers do.
      PORTHOLE_SEEK_INDEX_MIN_BYTES: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  process.once("exit", () => child.kill("SIGKILL"));
  return {
    url,
    cacheDir,
    child,
    output: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGTERM")));
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** Starts the app and waits until it answers its health check. */
export async function startApp(url = APP_URL, env: Record<string, string> = {}, args: string[] = []): Promise<RunningApp> {
  const app = spawnApp(url, env, args);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && app.child.exitCode === null) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return app;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await app.stop();
  throw new Error(`the app did not start on ${url}:\n${app.output()}`);
}

/** The settings that put an instance on the shared parts: the store in `bucket` of a test Ceph, and a Redis. */
export function sharedPartsSettings(ceph: Ceph, bucket: string, redisUrl: string): Record<string, string> {
  return {
    PORTHOLE_S3_BUCKET: bucket,
    PORTHOLE_S3_ENDPOINT: ceph.endpoint,
    PORTHOLE_S3_FORCE_PATH_STYLE: "1",
    AWS_ACCESS_KEY_ID: ceph.accessKey,
    AWS_SECRET_ACCESS_KEY: ceph.secretKey,
    AWS_REGION: ceph.region,
    PORTHOLE_REDIS_URL: redisUrl,
  };
}
