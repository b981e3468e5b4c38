import "server-only";
import type { BuiltSeekIndex, VerifiedCheckpoint } from "@/lib/layer/seek/protocol";
import { SpanHasher } from "@/lib/layer/seek/span-hasher";

/**
 * Checkpoints of a zstd layer: zstd frames decode on their own (no window crosses a frame), so a
 * frame start is a place to resume, with nothing to keep but its offsets. A layer of many frames
 * (zstd:chunked, pzstd, `zstd --long` off with a block splitter) gets one at the first frame after
 * every `span` bytes of output; a single-frame layer gets none and is read as a stream.
 */
export class ZstdCheckpoints {
  private readonly hasher = new SpanHasher();
  private readonly marks: Omit<VerifiedCheckpoint, "sha256">[] = [];
  /** Frame starts the decoder has not reached yet. */
  private readonly waiting: number[] = [];
  private fed = 0;
  private decoded = 0;
  private produced = 0;
  private nextAt: number;

  constructor(private readonly span: number) {
    this.nextAt = span;
  }

  /** Compressed bytes as they arrive (before the walker splits them). */
  received(chunk: Uint8Array): void {
    // A frame found but not decoded up to yet may still be a checkpoint: its bytes wait.
    this.hasher.feed(chunk, this.waiting[0] ?? null);
    this.fed += chunk.length;
  }

  /** The walker found a frame beginning at stream offset `at`. */
  frameAt(at: number): void {
    if (at <= this.decoded) this.mark(at);
    else this.waiting.push(at);
  }

  /**
   * The decoder took `bytes` more compressed bytes and gave `output` more: pieces end at block ends,
   * so a frame that begins where a piece ended has all the output before it counted.
   */
  decodedPiece(bytes: number, output: number): void {
    this.decoded += bytes;
    this.produced += output;
    while (this.waiting.length > 0 && (this.waiting[0] as number) <= this.decoded) this.mark(this.waiting.shift() as number);
  }

  private mark(at: number): void {
    if (this.produced < this.nextAt) return;
    this.hasher.cut(at);
    this.marks.push({ bit: at * 8, out: this.produced, window: new Uint8Array(0) });
    this.nextAt = this.produced + this.span;
  }

  private built: BuiltSeekIndex | null | undefined;

  /** The index, once the whole layer went through; null when it has no checkpoint to offer. */
  index(): BuiltSeekIndex | null {
    if (this.built === undefined) this.built = this.build();
    return this.built;
  }

  private build(): BuiltSeekIndex | null {
    const digests = this.hasher.end();
    if (this.marks.length === 0) return null;
    const starts = [{ bit: 0, out: 0, window: new Uint8Array(0) }, ...this.marks];
    return {
      format: "zstd",
      compressedBytes: this.fed,
      uncompressedBytes: this.produced,
      checkpoints: starts.map((start, i) => ({ ...start, sha256: digests[i] as string })),
    };
  }
}
