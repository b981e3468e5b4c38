/**
 * File names in layers: cleaned to absolute paths, and made into strings even when they are not
 * UTF-8. Tar names are bytes; JSON and URLs need strings. The mapping is one to one:
 * - a valid UTF-8 name without `%XX` (two hex digits) in it is used as is (`100%.txt` too);
 * - otherwise every `%` is written `%25` and every byte that is not part of valid UTF-8 `%XX`.
 * So a string with a `%XX` in it is always an escaped one, and distinct byte names stay distinct.
 * Listings and lookups use these strings, so a link built from a listed path finds the entry again.
 */

const WHITEOUT_PREFIX = ".wh.";
const OPAQUE_MARKER = ".wh..wh..opq";
const ESCAPE_PATTERN = /%[0-9A-Fa-f]{2}/;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads tar name bytes (given as a latin1 string, one char per byte) as a name string. */
export function nameFromBytes(latin1: string): string {
  const bytes = Buffer.from(latin1, "latin1");
  try {
    const name = utf8.decode(bytes);
    return ESCAPE_PATTERN.test(name) ? name.replaceAll("%", "%25") : name;
  } catch {
    return escapeInvalidUtf8(bytes);
  }
}

/** The bytes a name string stands for: the inverse of nameFromBytes. */
export function bytesOfName(name: string): Buffer {
  if (!ESCAPE_PATTERN.test(name)) return Buffer.from(name, "utf8");
  const parts = name.split(/(%[0-9A-Fa-f]{2})/);
  return Buffer.concat(parts.map((part) => (ESCAPE_PATTERN.test(part) && part.length === 3 ? Buffer.from([parseInt(part.slice(1), 16)]) : Buffer.from(part, "utf8"))));
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
