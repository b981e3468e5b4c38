/**
 * A real redis-server (Debian's) on a loopback port, for the tests of what instances share through
 * it: nothing persisted, run in a temporary folder removed when it stops. `kill` is SIGKILL, the
 * outage the code must survive, `pause` a server that stalls; a new `startRedis` on the same port is
 * the server coming back.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RedisServer {
  url: string;
  port: number;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
  /** SIGSTOP: the server holds its connections and answers nothing (a stalled Redis); `resume` is SIGCONT. */
  pause(): void;
  resume(): void;
}

/** Whether a server answers PING on `port`. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    const done = (answered: boolean) => (socket.destroy(), resolve(answered));
    socket.setTimeout(1_000, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => (child.once("exit", () => resolve()), child.kill(signal)));
}

export async function startRedis(port: number): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "porthole-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no"];
  const child = spawn("/usr/bin/redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const end = async (signal: NodeJS.Signals) => {
    await ended(child, signal);
    process.off("exit", killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await end("SIGKILL");
      throw new Error(`redis-server on port ${port} did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => (child.kill("SIGCONT"), end("SIGTERM")),
    kill: () => end("SIGKILL"),
    pause: () => void child.kill("SIGSTOP"),
    resume: () => void child.kill("SIGCONT"),
  };
}
