/** Messages between a layer read and the worker that inflates its gzip stream (structured clone). */

import type { Checkpoint } from "@/lib/layer/seek/gzip-checkpoints";

export interface WorkerOptions {
  /** Take a checkpoint every this many uncompressed bytes. */
  span: number;
}

/** To the worker. Output is credited back as the reader takes it, so the worker runs at most `credit` ahead. */
export type ToWorker = { kind: "input"; data: Uint8Array } | { kind: "credit"; bytes: number } | { kind: "end" };

/** A checkpoint with the sha256 (hex) of the compressed bytes from its byte to the next checkpoint's (or the end). */
export interface VerifiedCheckpoint extends Checkpoint {
  sha256: string;
}

export type FromWorker =
  | { kind: "output"; data: Uint8Array }
  /** One `input` message was inflated entirely: room for the next one. */
  | { kind: "consumed" }
  /** The first checkpoint is the start of the blob (a gzip header, not a deflate block). */
  | { kind: "done"; checkpoints: VerifiedCheckpoint[]; compressedBytes: number; uncompressedBytes: number }
  | { kind: "error"; message: string };

/** What the first read of a layer learns for random access later (gzip: by the worker; zstd: by frames). */
export interface BuiltSeekIndex {
  format: "gzip" | "zstd";
  compressedBytes: number;
  uncompressedBytes: number;
  /** Sorted by offset; the first is the start of the blob. */
  checkpoints: VerifiedCheckpoint[];
}
