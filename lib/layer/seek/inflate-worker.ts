/**
 * A worker thread that inflates one gzip layer for its reader and indexes it for random access on
 * the way (checkpoints and the digest of each compressed span between them), and hashes the
 * uncompressed tar (the layer's diff_id). Inflating here keeps
 * it off the event loop, beside the tar parsing and hashing on the main thread. The worker is
 * started before it is needed and told what to do by its first message.
 * Runs outside Next's server environment: no server-only fence (see tests/unit/structure.test.ts).
 */
import { createHash } from "node:crypto";
import { parentPort } from "node:worker_threads";
import { CheckpointingGunzip } from "@/lib/layer/seek/gzip-checkpoints";
import type { Checkpoint } from "@/lib/layer/seek/protocol";
import type { FromWorker, ToWorker, WorkerOptions } from "@/lib/layer/seek/protocol";
import { SpanHasher } from "@/lib/layer/seek/span-hasher";

/**
 * How far (uncompressed bytes) the worker may run ahead of its reader. Each piece sent is memory
 * the reader's heap frees only at a collection; the fewer in flight, the more die young, freed by
 * the cheap one: a million-entry listing peaked at 278–341 MB of RSS (median 283) with 1 MiB,
 * against 290–341 MB (median 320) with 4 MiB, in seven runs each, no slower.
 */
const CREDIT = 1024 * 1024;

const port = parentPort as NonNullable<typeof parentPort>;
const hasher = new SpanHasher();
/** The uncompressed tar's sha256 (what a diff_id is), hashed here rather than on the reader's event loop. */
const tarHash = createHash("sha256");
const checkpoints: Checkpoint[] = [];

function start(options: WorkerOptions): CheckpointingGunzip {
  return new CheckpointingGunzip(options.span, (checkpoint) => {
    hasher.cut(Math.floor(checkpoint.bit / 8));
    checkpoints.push(checkpoint);
  });
}

const queue: ToWorker[] = [];
let wake: (() => void) | null = null;
let outstanding = 0;
let compressedBytes = 0;

port.on("message", (message: ToWorker) => {
  if (message.kind === "credit") outstanding -= message.bytes;
  else queue.push(message);
  wake?.();
});

const next = () => new Promise<void>((resolve) => (wake = resolve));
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function pass(pieces: Iterable<Uint8Array>): Promise<void> {
  for (const piece of pieces) {
    tarHash.update(piece);
    outstanding += piece.length;
    send({ kind: "output", data: piece }, [piece.buffer as ArrayBuffer]);
    while (outstanding > CREDIT) await next();
  }
}

async function inflate(inflater: CheckpointingGunzip, data: Uint8Array): Promise<void> {
  hasher.feed(data, inflater.pendingFrom);
  compressedBytes += data.length;
  await pass(inflater.push(data));
  // Full pieces travel best; a partial one goes only when no input is waiting (a slow download).
  await new Promise(setImmediate); // lets the input sent meanwhile arrive
  if (queue.length === 0) await pass(inflater.flush());
  send({ kind: "consumed" });
}

async function run(): Promise<void> {
  let inflater: CheckpointingGunzip | null = null;
  for (;;) {
    const message = queue.shift();
    if (!message) {
      await next();
      continue;
    }
    if (message.kind === "start") inflater = start(message);
    if (message.kind === "input" && inflater) await inflate(inflater, message.data);
    if (message.kind === "end") break;
  }
  if (!inflater) throw new Error("the inflate worker was not started");
  await pass(inflater.flush());
  inflater.end();
  const digests = hasher.end();
  send({
    kind: "done",
    // The blob's start is where every read can begin: the first span belongs to it.
    checkpoints: [{ bit: 0, out: 0, window: new Uint8Array(0) }, ...checkpoints].map((checkpoint, i) => ({
      ...checkpoint,
      sha256: digests[i] as string,
    })),
    compressedBytes,
    uncompressedBytes: inflater.outputBytes,
    uncompressedSha256: tarHash.digest("hex"),
  });
}

run().catch((error: unknown) => send({ kind: "error", message: (error as Error)?.message ?? String(error) }));
