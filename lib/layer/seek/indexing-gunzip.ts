import "server-only";
import { Duplex } from "node:stream";
import { Worker } from "node:worker_threads";
import type { BuiltSeekIndex, FromWorker, ToWorker, WorkerOptions } from "@/lib/layer/seek/protocol";

/** Compressed chunks handed to the worker before waiting for it: enough to keep it busy, no more. */
const INPUTS_AHEAD = 4;

/**
 * Spawns an inflate worker. Bundled by Next, the worker is compiled JavaScript. Run from source
 * (tests, the command line) it is TypeScript, which a worker can only load through tsx's API.
 */
function spawnWorker(): Worker {
  if (import.meta.url.endsWith(".ts")) {
    const source = JSON.stringify(import.meta.url.replace(/[^/]+$/, "inflate-worker.ts"));
    return new Worker(`import("tsx/esm/api").then(({ tsImport }) => tsImport(${source}, ${source}))`, { eval: true });
  }
  return new Worker(new URL("./inflate-worker.ts", import.meta.url));
}

/**
 * One worker started ahead of need, so a layer's first entries do not wait for a thread to boot.
 * Kept on globalThis: Next.js bundles instrumentation (which starts it) and route handlers apart.
 */
const SPARE = Symbol.for("porthole.spare-inflate-worker");
const holder = globalThis as { [SPARE]?: Worker | null };

/** A started worker for one layer: the spare, or a new one. */
function takeWorker(options: WorkerOptions): Worker {
  const worker = holder[SPARE] ?? spawnWorker();
  holder[SPARE] = null;
  worker.ref();
  worker.postMessage({ kind: "start", ...options } satisfies ToWorker);
  return worker;
}

/**
 * Starts the spare worker, if there is none: at start-up, and when a layer read ends (not while one
 * runs, so that a listing holds one worker's memory, not two). Idle, it keeps no process alive.
 */
export function startSpare(): void {
  if (holder[SPARE]) return;
  const worker = spawnWorker();
  worker.unref();
  // A spare that fails to start is dropped (its error is not a layer's: none was given to it yet).
  worker.once("error", () => undefined);
  worker.once("exit", () => holder[SPARE] === worker && (holder[SPARE] = null));
  holder[SPARE] = worker;
}

/**
 * gunzip as a stream, done in a worker thread that also indexes the layer for random access and
 * hashes the output: `index` and `outputSha256` are set once the stream ended. Output is credited back to the worker as it is read, so
 * a decompression bomb or a slow reader holds at most the worker's credit in memory.
 */
export class IndexingGunzip extends Duplex {
  index: BuiltSeekIndex | null = null;
  /** The sha256 (hex) of all the output, once the stream ended. */
  outputSha256: string | null = null;
  private readonly worker: Worker;
  private inputsAhead = 0;
  private writeWaiting: (() => void) | null = null;
  private finalWaiting: ((error?: Error | null) => void) | null = null;
  private uncredited = 0;

  constructor(span: number) {
    super();
    this.worker = takeWorker({ span });
    this.worker.on("message", (message: FromWorker) => this.receive(message));
    this.worker.on("error", (error) => this.destroy(error));
    this.worker.on("exit", () => this.index || this.destroyed || this.destroy(new Error("the inflate worker stopped")));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // A copy: a received chunk may share its memory with others, which must not be moved away.
    const data = new Uint8Array(chunk);
    this.post({ kind: "input", data }, [data.buffer]);
    if (++this.inputsAhead < INPUTS_AHEAD) callback();
    else this.writeWaiting = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.finalWaiting = callback;
    this.post({ kind: "end" });
  }

  override _read(): void {
    if (this.uncredited === 0) return;
    this.post({ kind: "credit", bytes: this.uncredited });
    this.uncredited = 0;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    void this.worker.terminate();
    startSpare();
    callback(error);
  }

  private receive(message: FromWorker): void {
    if (this.destroyed) return;
    switch (message.kind) {
      case "output": {
        const { data } = message;
        if (this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength))) this.post({ kind: "credit", bytes: data.byteLength });
        else this.uncredited += data.byteLength;
        return;
      }
      case "consumed": {
        this.inputsAhead--;
        const callback = this.writeWaiting;
        this.writeWaiting = null;
        return callback?.();
      }
      case "done": {
        const { checkpoints, compressedBytes, uncompressedBytes } = message;
        this.index = { format: "gzip", checkpoints, compressedBytes, uncompressedBytes };
        this.outputSha256 = message.uncompressedSha256;
        void this.worker.terminate();
        startSpare();
        this.push(null);
        return this.finalWaiting?.();
      }
      case "error":
        return void this.destroy(new Error(message.message));
    }
  }

  private post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }
}
