import { ZStream, Z_BUF_ERROR, Z_OK, Z_STREAM_END, zlibInflate, zlibInflateInit2, zlibInflateReset2, zlibInflateSetDictionary } from "pako";
import type { Checkpoint } from "@/lib/layer/seek/protocol";

const RAW = -15;
const GZIP = 16 + 15;
const GZIP_TRAILER_BYTES = 8;
const OUTPUT_PIECE = 256 * 1024;

/**
 * Inflates a gzip stream from a checkpoint: fed the compressed bytes from the checkpoint's byte
 * on, it yields the uncompressed bytes from the checkpoint's offset on. A checkpoint at a deflate
 * block starts a raw inflate primed with the window, and with the bits of its first byte that the
 * block owns (zlib's inflatePrime); the members that follow are read as gzip, as `gzip -dc` does.
 */
export class ResumedGunzip {
  private readonly strm = new ZStream();
  /** Bits of the first byte that belong to the previous block, or null once primed. */
  private primeFrom: number | null;
  private raw: boolean;
  private skip = 0;
  /** After a member: another one if the magic follows; otherwise the rest is not gzip and is ignored. */
  private betweenMembers = false;
  private finished = false;

  constructor(checkpoint: Checkpoint) {
    this.raw = checkpoint.bit !== 0;
    zlibInflateInit2(this.strm, this.raw ? RAW : GZIP);
    if (this.raw && checkpoint.window.length > 0) zlibInflateSetDictionary(this.strm, checkpoint.window);
    this.primeFrom = this.raw && checkpoint.bit % 8 !== 0 ? checkpoint.bit % 8 : null;
  }

  *push(chunk: Uint8Array): Generator<Uint8Array> {
    let input = chunk;
    if (this.primeFrom !== null && input.length > 0) {
      // pako keeps zlib's bit accumulator in its state: the bits not yet used go there, as inflatePrime puts them.
      const state = this.strm.state as { hold: number; bits: number };
      state.hold = (input[0] as number) >>> this.primeFrom;
      state.bits = 8 - this.primeFrom;
      this.primeFrom = null;
      input = input.subarray(1);
    }
    const strm = this.strm;
    strm.input = input;
    strm.next_in = 0;
    strm.avail_in = input.length;
    while (strm.avail_in > 0 && !this.finished) {
      if (this.skip > 0) {
        const skipped = Math.min(this.skip, strm.avail_in);
        this.skip -= skipped;
        strm.next_in += skipped;
        strm.avail_in -= skipped;
        continue;
      }
      if (this.betweenMembers) {
        this.betweenMembers = false;
        this.finished = strm.input[strm.next_in] !== 0x1f;
        continue;
      }
      yield* this.inflateSome();
    }
  }

  private *inflateSome(): Generator<Uint8Array> {
    const strm = this.strm;
    const output = new Uint8Array(OUTPUT_PIECE);
    strm.output = output;
    strm.next_out = 0;
    strm.avail_out = OUTPUT_PIECE;
    const status = zlibInflate(strm, 0);
    if (strm.next_out > 0) yield output.subarray(0, strm.next_out);
    if (status === Z_STREAM_END) return this.nextMember();
    if (status !== Z_OK && status !== Z_BUF_ERROR) throw new Error(strm.msg || `inflate error ${status}`);
  }

  /** A raw start ends where its member's deflate data does, before the trailer; what follows is gzip again. */
  private nextMember(): void {
    if (this.raw) this.skip = GZIP_TRAILER_BYTES;
    this.raw = false;
    this.betweenMembers = true;
    zlibInflateReset2(this.strm, GZIP);
  }
}
