/**
 * File names in layers: cleaned to absolute paths, and made into strings even when they are not
 * UTF-8. Tar names are bytes; JSON and URLs need strings. A name that is valid UTF-8 is used as is.
 * A name that is not keeps its valid characters and writes each invalid byte as `%XX` (and `%` as
 * `%25`), so distinct byte names stay distinct strings and the file endpoint can find the entry again
 * by the same string. (A valid name that literally contains `%E9` could look like an escaped one;
 * lookups match listed strings exactly, so only a layer holding both spellings would be ambiguous.)
 */

const WHITEOUT_PREFIX = ".wh.";
const OPAQUE_MARKER = ".wh..wh..opq";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads tar name bytes (given as a latin1 string, one char per byte) as a name string. */
export function nameFromBytes(latin1: string): string {
  const bytes = Buffer.from(latin1, "latin1");
  try {
    return utf8.decode(bytes);
  } catch {
    return escapeInvalidUtf8(bytes);
  }
}

function escapeInvalidUtf8(bytes: Buffer): string {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length === 0) {
      out += `%${(bytes[i] as number).toString(16).toUpperCase().padStart(2, "0")}`;
      i += 1;
    } else {
      const text = bytes.toString("utf8", i, i + length);
      out += text === "%" ? "%25" : text;
      i += length;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there starts none. */
function validSequenceLength(bytes: Buffer, i: number): number {
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

/** `./a//b/`, `a/./b`, `/a/b` → `/a/b`; `..` never climbs above `/`. */
export function cleanPath(name: string): string {
  const parts: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

/** OCI layer.md whiteouts: what a cleaned tar path marks, if anything. */
export function whiteoutOf(path: string): { kind: "opaque"; dir: string } | { kind: "whiteout"; target: string } | null {
  const base = baseName(path);
  if (base === OPAQUE_MARKER) return { kind: "opaque", dir: parentOf(path) };
  if (base.startsWith(WHITEOUT_PREFIX) && base.length > WHITEOUT_PREFIX.length) {
    return { kind: "whiteout", target: joinPath(parentOf(path), base.slice(WHITEOUT_PREFIX.length)) };
  }
  return null;
}

/** The marker's own path again, e.g. for dive's model, which keeps whiteouts as named leaves. */
export function whiteoutMarkerPath(target: string): string {
  return joinPath(parentOf(target), `${WHITEOUT_PREFIX}${baseName(target)}`);
}
