import "server-only";
import { Duplex, Transform, type TransformCallback } from "node:stream";
import { createGunzip } from "node:zlib";
import { Decompress } from "fzstd";
import { PortholeError } from "@/lib/core/errors";
import { IndexingGunzip, type GzipSeekIndex } from "@/lib/layer/seek/indexing-gunzip";
import { ZstdFrameWalker } from "@/lib/layer/zstd-frames";

export type LayerCompression = "gzip" | "zstd" | "tar";

const SNIFF_BYTES = 512;
/** Larger inflate output chunks than zlib's 16 KiB: fewer hops per byte through the tar parser. */
const INFLATE_CHUNK = 128 * 1024;

/** The format of a layer from its first bytes (media types lie; magic numbers don't). */
export function detectCompression(head: Buffer, ended: boolean): LayerCompression | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return "zstd";
  // A zstd stream may open with a skippable frame (e.g. seekable-format metadata).
  if (head.length >= 4 && (head.readUInt32LE(0) & 0xfffffff0) >>> 0 === 0x184d2a50) return "zstd";
  if (head.length >= SNIFF_BYTES) return looksLikeTar(head) ? "tar" : null;
  if (!ended) return null;
  return head.length === 0 ? "tar" : null;
}

/** A ustar/GNU/v7 header has a valid checksum; an end-of-archive block is all zeros. */
function looksLikeTar(block: Buffer): boolean {
  if (block.subarray(0, SNIFF_BYTES).every((byte) => byte === 0)) return true;
  const stored = parseInt(block.toString("latin1", 148, 156).replace(/\0.*$/, "").trim(), 8);
  let sum = 0;
  for (let i = 0; i < SNIFF_BYTES; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return stored === sum;
}

/**
 * fzstd's streaming decoder as a Node stream (Node 20's zlib has no zstd). fzstd decodes all it is
 * given at once, whatever the reader's pace (a few KiB of zstd can be gigabytes of zeros), so it is
 * fed a block at a time, and the next block only once the reader took the last one's output.
 */
function createZstdDecoder(): Duplex {
  const walker = new ZstdFrameWalker();
  return Duplex.from(async function* (source: AsyncIterable<Buffer>) {
    const output: Buffer[] = [];
    const decoder = new Decompress((data) => output.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
    for await (const chunk of source) {
      for (const piece of walker.split(chunk)) {
        decoder.push(piece);
        yield* output.splice(0);
      }
    }
    decoder.push(new Uint8Array(0), true);
    yield* output.splice(0);
  });
}

/**
 * Decompresses a layer of any supported format into its tar stream: sniffs the first bytes, then
 * hands everything to gunzip (also multi-member gzip: estargz), zstd or nothing. Counts output
 * bytes and stops a decompression bomb at `maxBytes`. Given a `checkpointSpan`, a gzip layer is
 * inflated by the indexing worker, and `gzipIndex` holds its random-access index once it ended.
 */
export class LayerDecoder extends Transform {
  private inner: Duplex | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private produced = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly checkpointSpan: number | null = null,
  ) {
    super();
  }

  get gzipIndex(): GzipSeekIndex | null {
    return this.inner instanceof IndexingGunzip ? this.inner.index : null;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.inner) return this.forward(chunk, callback);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const head = Buffer.concat(this.pending);
    const kind = detectCompression(head, false);
    if (kind === null && head.length < SNIFF_BYTES) return callback();
    this.start(kind, head, callback);
  }

  override _flush(callback: TransformCallback): void {
    const finish = () => {
      if (!this.inner) return callback();
      this.inner.once("end", () => callback());
      this.inner.once("error", (error) => callback(error));
      this.inner.end();
    };
    if (this.inner) return finish();
    const head = Buffer.concat(this.pending);
    this.start(detectCompression(head, true), head, (error) => (error ? callback(error) : finish()));
  }

  private start(kind: LayerCompression | null, head: Buffer, callback: TransformCallback): void {
    this.pending = [];
    if (kind === null) {
      return callback(new PortholeError("UNSUPPORTED", "unsupported layer format: not a tar archive, nor gzip or zstd compressed"));
    }
    this.inner =
      kind === "gzip"
        ? this.checkpointSpan
          ? new IndexingGunzip(this.checkpointSpan)
          : createGunzip({ chunkSize: INFLATE_CHUNK })
        : kind === "zstd"
          ? createZstdDecoder()
          : new Transform({ transform: (c, _e, cb) => cb(null, c) });
    this.inner.on("data", (data: Buffer) => {
      this.produced += data.length;
      if (this.produced > this.maxBytes) {
        this.inner?.destroy();
        this.destroy(new PortholeError("TOO_LARGE", `the layer expands to more than ${this.maxBytes} bytes; refusing to read further`));
        return;
      }
      if (!this.push(data)) this.inner?.pause();
    });
    this.inner.on("error", (error) => this.destroy(asDecodeError(error, kind)));
    if (head.length === 0) return callback();
    this.forward(head, callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // The inner decoder may hold a worker thread: it goes with the layer read.
    this.inner?.destroy();
    callback(error);
  }

  override _read(size: number): void {
    this.inner?.resume();
    super._read(size);
  }

  private forward(chunk: Buffer, callback: TransformCallback): void {
    if ((this.inner as Duplex).write(chunk)) return callback();
    (this.inner as Duplex).once("drain", () => callback());
  }
}

function asDecodeError(error: Error, kind: LayerCompression): PortholeError {
  if (error instanceof PortholeError) return error;
  return new PortholeError("UPSTREAM_INVALID", `the layer's ${kind} data is corrupt or truncated (${error.message})`, { cause: error });
}
