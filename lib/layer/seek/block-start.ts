import { ZStream, Z_BUF_ERROR, Z_OK, Z_STREAM_END, Z_SYNC_FLUSH, zlibInflate, zlibInflateInit2, zlibInflateSetDictionary } from "pako";

/**
 * zlib stops at a deflate block boundary when asked (Z_BLOCK), but only Node's internals say how
 * many bytes it read, not how many bits of the last one the new block owns (zlib's `data_type`,
 * which Node does not pass on). So each candidate start — the byte boundary, or one of the seven
 * bit positions inside the byte before it — is tried: inflated with pako from there, primed with
 * the window, it must give exactly the bytes zlib gave next. A wrong start fails or differs within
 * a few bytes; the right one matches.
 */

/** Whether inflating from bit `8 * at - unused` (the `unused` high bits of byte at-1, then byte at on) gives `expected`. */
function startsThere(input: Uint8Array, at: number, unused: number, window: Uint8Array, expected: Uint8Array): boolean {
  const strm = new ZStream();
  zlibInflateInit2(strm, -15);
  if (window.length > 0) zlibInflateSetDictionary(strm, window);
  if (unused > 0) {
    // pako keeps zlib's bit accumulator in its state: zlib's inflatePrime, by hand.
    const state = strm.state as { hold: number; bits: number };
    state.hold = (input[at - 1] as number) >>> (8 - unused);
    state.bits = unused;
  }
  const output = new Uint8Array(expected.length);
  strm.input = input;
  strm.next_in = at;
  strm.avail_in = input.length - at;
  strm.output = output;
  strm.next_out = 0;
  strm.avail_out = output.length;
  const status = zlibInflate(strm, Z_SYNC_FLUSH);
  if (status !== Z_OK && status !== Z_STREAM_END && status !== Z_BUF_ERROR) return false;
  return strm.next_out === expected.length && output.every((byte, i) => byte === expected[i]);
}

/**
 * The bit offset (relative to `input`'s start) where the deflate block after byte `at` of `input`
 * begins, given the output before it (`window`) and after it (`expected`); null when no start gives
 * that output (then no checkpoint is taken there). A stored block can be proven by several starts:
 * one in the earlier bits of the byte reads a bit of the block before as its "last block" flag and
 * the next two as its type, and then skips to the same byte boundary. A start inside the real header
 * cannot land on that boundary. So the latest start that matches is the real one.
 */
export function blockStartBit(input: Uint8Array, at: number, window: Uint8Array, expected: Uint8Array): number | null {
  for (let unused = 0; unused <= (at > 0 ? 7 : 0); unused++) {
    if (startsThere(input, at, unused, window, expected)) return at * 8 - unused;
  }
  return null;
}
