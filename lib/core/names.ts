/**
 * File names in layers made into strings even when they are not UTF-8. Tar names are bytes; JSON
 * and URLs need strings. The mapping is one to one:
 * - a valid UTF-8 name without `%XX` (two hex digits) in it is used as is (`100%.txt` too);
 * - otherwise every `%` is written `%25` and every byte that is not part of valid UTF-8 `%XX`.
 * So a string with a `%XX` in it is always an escaped one, and distinct byte names stay distinct.
 * Listings and lookups use these strings, so a link built from a listed path finds the entry again.
 * Browser-safe (Uint8Array, TextDecoder): the same rules read local image files in the browser.
 */
const ESCAPE_PATTERN = /%[0-9A-Fa-f]{2}/;

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** For bytes known to be ASCII: the same characters, without UTF-8's checks. */
const ascii = new TextDecoder("latin1");
const encoder = new TextEncoder();

const hexByte = (byte: number) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;

const PERCENT = 0x25;

/** Name bytes as a name string. Most names are ASCII without `%`: those take one pass and one decode. */
export function nameOfBytes(bytes: Uint8Array): string {
  let plain = true;
  for (let i = 0; i < bytes.length && plain; i++) plain = (bytes[i] as number) < 0x80 && bytes[i] !== PERCENT;
  if (plain) return ascii.decode(bytes);
  try {
    const name = utf8.decode(bytes);
    return ESCAPE_PATTERN.test(name) ? name.replaceAll("%", "%25") : name;
  } catch {
    return escapeInvalidUtf8(bytes);
  }
}

/** The bytes a name string stands for: the inverse of nameFromBytes. */
export function bytesOfName(name: string): Uint8Array {
  if (!ESCAPE_PATTERN.test(name)) return encoder.encode(name);
  const bytes: number[] = [];
  for (const part of name.split(/(%[0-9A-Fa-f]{2})/)) {
    if (part.length === 3 && ESCAPE_PATTERN.test(part)) bytes.push(parseInt(part.slice(1), 16));
    else bytes.push(...encoder.encode(part));
  }
  return Uint8Array.from(bytes);
}

function escapeInvalidUtf8(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length === 0) {
      out += hexByte(bytes[i] as number);
      i += 1;
    } else {
      const text = utf8.decode(bytes.subarray(i, i + length));
      out += text === "%" ? "%25" : text;
      i += length;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there starts none. */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const first = bytes[i] as number;
  if (first < 0x80) return 1;
  const length = first >= 0xc2 && first <= 0xdf ? 2 : first >= 0xe0 && first <= 0xef ? 3 : first >= 0xf0 && first <= 0xf4 ? 4 : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  try {
    utf8.decode(bytes.subarray(i, i + length));
    return length;
  } catch {
    return 0;
  }
}

/** A name's bytes written for an RFC 5987 `filename*`: unreserved characters as they are, the rest `%XX`. */
export function percentEncodeName(name: string): string {
  return [...bytesOfName(name)]
    .map((byte) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : hexByte(byte)))
    .join("");
}
