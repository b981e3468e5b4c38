import "server-only";
import { Duplex, Transform, type TransformCallback } from "node:stream";
import { createGunzip } from "node:zlib";
import { Decompress } from "fzstd";
import { PortholeError } from "@/lib/core/errors";
import { detectCompression, SNIFF_BYTES, type LayerCompression } from "@/lib/layer/sniff";
import { IndexingGunzip } from "@/lib/layer/seek/indexing-gunzip";
import type { BuiltSeekIndex } from "@/lib/layer/seek/protocol";
import { ZstdCheckpoints } from "@/lib/layer/seek/zstd-checkpoints";
import { MAX_ZSTD_WINDOW, ZstdFrameWalker } from "@/lib/layer/zstd-frames";

/** Larger inflate output chunks than zlib's 16 KiB: fewer hops per byte through the tar parser. */
const INFLATE_CHUNK = 128 * 1024;

/**
 * fzstd's streaming decoder as a Node stream (Node 20's zlib has no zstd). fzstd decodes all it is
 * given at once, whatever the reader's pace (a few KiB of zstd can be gigabytes of zeros), so it is
 * fed a block at a time, and the next block only once the reader took the last one's output.
 */
function createZstdDecoder(checkpoints: ZstdCheckpoints | null): Duplex {
  const walker = new ZstdFrameWalker(MAX_ZSTD_WINDOW, (at) => checkpoints?.frameAt(at));
  return Duplex.from(async function* (source: AsyncIterable<Buffer>) {
    const output: Buffer[] = [];
    let produced = 0;
    const decoder = new Decompress((data) => {
      output.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      produced += data.byteLength;
    });
    for await (const chunk of source) {
      checkpoints?.received(chunk);
      for (const piece of walker.split(chunk)) {
        const before = produced;
        decoder.push(piece);
        checkpoints?.decodedPiece(piece.length, produced - before);
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
 * bytes and stops a decompression bomb at `maxBytes`. Given a `checkpointSpan`, the read also
 * indexes the layer for random access (gzip: inflated by the indexing worker; zstd: by its frames),
 * and `seekIndex` holds the index once it ended.
 */
export class LayerDecoder extends Transform {
  private inner: Duplex | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private produced = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly checkpointSpan: number | null = null,
    /** Inflate gzip in a worker thread even without checkpoints: off the event loop, for layers big enough to be worth a thread. */
    private readonly inflateAside = false,
  ) {
    super();
  }

  private zstdCheckpoints: ZstdCheckpoints | null = null;

  /** Whether the output's sha256 is computed off the event loop (`outputSha256`), so the reader need not hash it: known from the first chunk on. */
  get hashesOutput(): boolean {
    return this.inner instanceof IndexingGunzip;
  }

  /** The output's sha256 (hex) when `hashesOutput`, once the stream ended. */
  get outputSha256(): string | null {
    return this.inner instanceof IndexingGunzip ? this.inner.outputSha256 : null;
  }

  /** The random-access index this read built (given a `checkpointSpan`), once the stream ended. */
  get seekIndex(): BuiltSeekIndex | null {
    if (this.inner instanceof IndexingGunzip) return this.checkpointSpan ? this.inner.index : null;
    return this.zstdCheckpoints?.index() ?? null;
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
        ? this.checkpointSpan || this.inflateAside
          ? new IndexingGunzip(this.checkpointSpan ?? Infinity)
          : createGunzip({ chunkSize: INFLATE_CHUNK })
        : kind === "zstd"
          ? createZstdDecoder((this.zstdCheckpoints = this.checkpointSpan ? new ZstdCheckpoints(this.checkpointSpan) : null))
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
