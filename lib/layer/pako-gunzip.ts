import { ZStream, Z_BUF_ERROR, Z_NO_FLUSH, Z_OK, Z_STREAM_END, zlibInflate, zlibInflateInit2, zlibInflateReset } from "pako";

const GZIP_WINDOW_BITS = 16 + 15;
const OUTPUT_PIECE = 256 * 1024;

/**
 * gunzip in pure JS (pako), as `gzip -dc` reads a stream: one member after another, and whatever
 * follows the last one ignored unless it starts another. For the browser, whose DecompressionStream
 * refuses a second member (eStargz layers are a member per file). Output comes in pieces of at
 * most 256 KiB, however little input made them (a few KiB can be gigabytes).
 */
export class PakoGunzip {
  private readonly strm = new ZStream();
  private output: Uint8Array<ArrayBuffer> | null = null;
  /** Between members: what follows the last one may be another (magic 1f 8b) or the end. */
  private betweenMembers = false;
  private finished = false;

  constructor() {
    zlibInflateInit2(this.strm, GZIP_WINDOW_BITS);
  }

  *push(chunk: Uint8Array): Generator<Uint8Array> {
    const strm = this.strm;
    strm.input = chunk;
    strm.next_in = 0;
    strm.avail_in = chunk.length;
    while (strm.avail_in > 0 && !this.finished) {
      if (this.betweenMembers && !this.startNextMember(chunk)) break;
      this.inflateSome();
      if (strm.avail_out === 0) yield* this.flush();
    }
  }

  /** The output not yielded yet. */
  *flush(): Generator<Uint8Array> {
    const output = this.output;
    if (!output || this.strm.next_out === 0) return;
    this.output = null;
    yield output.subarray(0, this.strm.next_out);
  }

  /** Checks that the stream ended at the end of a member. */
  end(): void {
    if (!this.betweenMembers && !this.finished) throw new Error("unexpected end of file");
  }

  private inflateSome(): void {
    const strm = this.strm;
    if (!this.output) {
      this.output = new Uint8Array(OUTPUT_PIECE);
      strm.output = this.output;
      strm.next_out = 0;
      strm.avail_out = OUTPUT_PIECE;
    }
    const status = zlibInflate(strm, Z_NO_FLUSH);
    if (status === Z_STREAM_END) this.betweenMembers = true;
    else if (status !== Z_OK && status !== Z_BUF_ERROR) throw new Error(strm.msg || `inflate error ${status}`);
  }

  private startNextMember(chunk: Uint8Array): boolean {
    if (chunk[this.strm.next_in] !== 0x1f) {
      this.finished = true;
      return false;
    }
    zlibInflateReset(this.strm);
    this.betweenMembers = false;
    return true;
  }
}
