/** What a layer's (or an archive's) bytes are, from their first bytes: media types lie; magic numbers don't. Pure: the browser sniffs with it too. */

export type LayerCompression = "gzip" | "zstd" | "tar";

/** One tar header block: enough to tell a tar from anything else. */
export const SNIFF_BYTES = 512;

const littleEndian32 = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);

/** The format from the first bytes, or null while too few are known (`ended`: there are no more) or they are none of these. */
export function detectCompression(head: Uint8Array, ended: boolean): LayerCompression | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head.length >= 4 && littleEndian32(head) === 0xfd2fb528) return "zstd";
  // A zstd stream may open with a skippable frame (e.g. seekable-format metadata).
  if (head.length >= 4 && (littleEndian32(head) & 0xfffffff0) >>> 0 === 0x184d2a50) return "zstd";
  if (head.length >= SNIFF_BYTES) return looksLikeTar(head) ? "tar" : null;
  if (!ended) return null;
  return head.length === 0 ? "tar" : null;
}

/** A header block's checksum (the sum of its bytes, the checksum field counted as spaces) equals the one it stores. */
export function tarChecksumOk(block: Uint8Array): boolean {
  const field = block.subarray(148, 156);
  const end = field.indexOf(0);
  const stored = parseInt(new TextDecoder("latin1").decode(end < 0 ? field : field.subarray(0, end)).trim(), 8);
  let sum = 0;
  for (let i = 0; i < SNIFF_BYTES; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return stored === sum;
}

/** A ustar/GNU/v7 header has a valid checksum; an end-of-archive block is all zeros. */
function looksLikeTar(block: Uint8Array): boolean {
  return block.subarray(0, SNIFF_BYTES).every((byte) => byte === 0) || tarChecksumOk(block);
}
