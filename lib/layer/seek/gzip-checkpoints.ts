import { ZStream, Z_BLOCK, Z_BUF_ERROR, Z_NO_FLUSH, Z_OK, Z_STREAM_END, zlibInflate, zlibInflateInit2, zlibInflateReset } from "pako";

/**
 * A place in a gzip stream where inflating can start again without what came before: a deflate
 * block boundary (zran.c's access point), with the last 32 KiB of output that later blocks may copy from.
 */
export interface Checkpoint {
  /** Compressed bit offset of the block header: blocks are not byte-aligned. */
  bit: number;
  /** Uncompressed offset the block starts at. */
  out: number;
  /** The output just before `out` (up to 32 KiB: back-references reach no further). */
  window: Uint8Array;
}

/** Deflate's largest back-reference distance. */
export const WINDOW_BYTES = 32 * 1024;
const GZIP_WINDOW_BITS = 16 + 15;
const OUTPUT_PIECE = 256 * 1024;
/** data_type bits after Z_BLOCK (zlib.h): at a block boundary; the block just ended was the last. */
const AT_BOUNDARY = 128;
const LAST_BLOCK = 64;

/** The last WINDOW_BYTES of everything written, in a ring. */
class Window {
  private readonly ring = new Uint8Array(WINDOW_BYTES);
  private written = 0;

  write(data: Uint8Array): void {
    const tail = data.length > WINDOW_BYTES ? data.subarray(data.length - WINDOW_BYTES) : data;
    const at = (this.written + data.length - tail.length) % WINDOW_BYTES;
    const first = Math.min(tail.length, WINDOW_BYTES - at);
    this.ring.set(tail.subarray(0, first), at);
    this.ring.set(tail.subarray(first), 0);
    this.written += data.length;
  }

  copy(): Uint8Array {
    if (this.written < WINDOW_BYTES) return this.ring.slice(0, this.written);
    const at = this.written % WINDOW_BYTES;
    const linear = new Uint8Array(WINDOW_BYTES);
    linear.set(this.ring.subarray(at), 0);
    linear.set(this.ring.subarray(0, at), WINDOW_BYTES - at);
    return linear;
  }
}

/**
 * Inflates a gzip stream (one or more members, as `gzip -dc` reads them) and, along the way, takes
 * a checkpoint at the first block boundary after every `span` bytes of output. Node's zlib does not
 * say where blocks end; pako (a port of zlib) does, through Z_BLOCK and `data_type`, as zran.c uses.
 */
export class CheckpointingGunzip {
  private readonly strm = new ZStream();
  private readonly window = new Window();
  /** Compressed bytes before the chunk being inflated. */
  private consumed = 0;
  /** Uncompressed bytes in the pieces yielded so far. */
  private produced = 0;
  private output: Uint8Array<ArrayBuffer> | null = null;
  private nextCheckpoint: number;
  /** Between members: what follows the last one may be another (magic 1f 8b) or the end. */
  private betweenMembers = false;
  private finished = false;

  constructor(
    private readonly span: number,
    private readonly onCheckpoint: (checkpoint: Checkpoint) => void,
  ) {
    zlibInflateInit2(this.strm, GZIP_WINDOW_BITS);
    this.nextCheckpoint = span;
  }

  /** Total uncompressed bytes so far. */
  get outputBytes(): number {
    return this.produced + (this.output ? this.strm.next_out : 0);
  }

  /**
   * Inflates `chunk`, yielding its output in full pieces (a few KiB of input can be gigabytes);
   * what does not fill a piece waits for the next chunk or `flush`.
   */
  *push(chunk: Uint8Array): Generator<Uint8Array> {
    const strm = this.strm;
    strm.input = chunk;
    strm.next_in = 0;
    strm.avail_in = chunk.length;
    try {
      while (strm.avail_in > 0 && !this.finished) {
        if (this.betweenMembers && !this.startNextMember(chunk)) break;
        this.inflateSome();
        if (strm.avail_out === 0) yield* this.flush();
      }
    } finally {
      this.consumed += chunk.length;
    }
  }

  /** The output not yielded yet. */
  *flush(): Generator<Uint8Array> {
    const output = this.output;
    if (!output || this.strm.next_out === 0) return;
    this.output = null;
    this.produced += this.strm.next_out;
    yield output.subarray(0, this.strm.next_out);
  }

  /** Checks that the stream ended at the end of a member. */
  end(): void {
    if (!this.betweenMembers && !this.finished) throw new Error("unexpected end of file");
  }

  /** Inflates until the input is used up, the output piece is full, or a member ends. */
  private inflateSome(): void {
    const strm = this.strm;
    if (!this.output) {
      this.output = new Uint8Array(OUTPUT_PIECE);
      strm.output = this.output;
      strm.next_out = 0;
      strm.avail_out = OUTPUT_PIECE;
    }
    while (strm.avail_in > 0 && strm.avail_out > 0) {
      const due = this.produced + strm.next_out >= this.nextCheckpoint;
      const before = strm.next_out;
      const status = zlibInflate(strm, due ? Z_BLOCK : Z_NO_FLUSH);
      this.window.write(this.output.subarray(before, strm.next_out));
      if (status === Z_STREAM_END) {
        this.betweenMembers = true;
        return;
      }
      if (status !== Z_OK && status !== Z_BUF_ERROR) throw new Error(strm.msg || `inflate error ${status}`);
      if (due && strm.data_type & AT_BOUNDARY && !(strm.data_type & LAST_BLOCK)) this.checkpoint();
    }
  }

  private checkpoint(): void {
    const out = this.outputBytes;
    // data_type's low bits: how many bits of the last byte read are not used yet.
    const bit = (this.consumed + this.strm.next_in) * 8 - (this.strm.data_type & 7);
    this.onCheckpoint({ bit, out, window: this.window.copy() });
    this.nextCheckpoint = out + this.span;
  }

  /** After a member: another one if the magic follows; otherwise the rest is not gzip and is ignored. */
  private startNextMember(chunk: Uint8Array): boolean {
    const strm = this.strm;
    if (chunk[strm.next_in] !== 0x1f) {
      this.finished = true;
      return false;
    }
    zlibInflateReset(this.strm);
    this.betweenMembers = false;
    return true;
  }
}
