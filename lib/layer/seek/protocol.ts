/** Messages between a layer read and the worker that inflates its gzip stream (structured clone), and the checkpoints they carry. */

/**
 * A place in a compressed stream where decoding can start again without what came before: a
 * deflate block boundary (zran.c's access point) with the last 32 KiB of output that later blocks
 * may copy from, or a zstd frame start (no window).
 */
export interface Checkpoint {
  /** Compressed bit offset: deflate blocks are not byte-aligned. */
  bit: number;
  /** Uncompressed offset it starts at. */
  out: number;
  /** The output just before `out` (up to 32 KiB: back-references reach no further). */
  window: Uint8Array;
}

export interface WorkerOptions {
  /** Take a checkpoint every this many uncompressed bytes. */
  span: number;
}

/** To the worker. Output is credited back as the reader takes it, so the worker runs at most `credit` ahead. */
export type ToWorker =
  ({ kind: "start" } & WorkerOptions) | { kind: "input"; data: Uint8Array } | { kind: "credit"; bytes: number } | { kind: "end" };

/** A checkpoint with the sha256 (hex) of the compressed bytes from its byte to the next checkpoint's (or the end). */
export interface VerifiedCheckpoint extends Checkpoint {
  sha256: string;
}

export type FromWorker =
  | { kind: "output"; data: Uint8Array }
  /** One `input` message was inflated entirely: room for the next one. */
  | { kind: "consumed" }
  /** The first checkpoint is the start of the blob (a gzip header, not a deflate block). */
  | { kind: "done"; checkpoints: VerifiedCheckpoint[]; compressedBytes: number; uncompressedBytes: number; uncompressedSha256: string }
  | { kind: "error"; message: string };

/** What the first read of a layer learns for random access later (gzip: by the worker; zstd: by frames). */
export interface BuiltSeekIndex {
  format: "gzip" | "zstd";
  compressedBytes: number;
  uncompressedBytes: number;
  /** Sorted by offset; the first is the start of the blob. */
  checkpoints: VerifiedCheckpoint[];
}
