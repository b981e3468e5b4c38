import { PortholeError } from "@/lib/core/errors";
import { memberPath } from "@/lib/archive/files";
import { tarChecksumOk } from "@/lib/layer/sniff";

/** Where a regular file's bytes are inside a tar. */
export interface TarMember {
  offset: number;
  size: number;
}

/** Reads `length` bytes at `offset` of the tar (a file descriptor on disk, a File slice in the browser). */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

const BLOCK = 512;
const utf8 = new TextDecoder();

/** A NUL-terminated header field. */
const field = (header: Uint8Array, start: number, length: number) => {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return utf8.decode(end < 0 ? bytes : bytes.subarray(0, end));
};

/** A numeric header field: octal text, or (GNU, for sizes of 8 GiB and more) base-256 when the high bit is set. */
function number(header: Uint8Array, start: number, length: number): number {
  if ((header[start] as number) & 0x80) {
    let value = (header[start] as number) & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + (header[i] as number);
    return value;
  }
  const text = field(header, start, length).trim();
  return text ? parseInt(text, 8) : 0;
}

/** The `path` record of a PAX extended header (`<length> path=<value>\n` records), if any. */
function paxPath(data: Uint8Array): string | null {
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = parseInt(utf8.decode(data.subarray(at, space)), 10);
    if (space < 0 || !(length > 0)) return null;
    const record = utf8.decode(data.subarray(space + 1, at + length - 1));
    if (record.startsWith("path=")) return record.slice(5);
    at += length;
  }
  return null;
}

/**
 * The regular files of a tar (an archive of layers, not a layer: only its few members' places are
 * wanted), found by reading each header and skipping over the contents, so a multi-gigabyte
 * `docker save` is indexed without reading its layers. PAX and GNU long names are honoured.
 */
export async function indexTar(readAt: ReadAt, total: number): Promise<Map<string, TarMember>> {
  const members = new Map<string, TarMember>();
  let longName: string | null = null;
  for (let offset = 0; offset + BLOCK <= total;) {
    const header = await readAt(offset, BLOCK);
    if (header.every((byte) => byte === 0)) break;
    if (!tarChecksumOk(header)) throw new PortholeError("UNSUPPORTED", `not a tar archive (bad header checksum at byte ${offset})`);
    const size = number(header, 124, 12);
    const type = String.fromCharCode(header[156] as number);
    const data = offset + BLOCK;
    if (data + size > total) throw new PortholeError("UPSTREAM_INVALID", "the tar archive is truncated");
    if (type === "x" || type === "L") {
      const bytes = await readAt(data, size);
      longName = type === "x" ? paxPath(bytes) : field(bytes, 0, size);
    } else {
      const prefix = field(header, 345, 155);
      const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
      if (type === "0" || type === "\0" || type === "7") members.set(memberPath(name), { offset: data, size });
      if (type !== "g") longName = null;
    }
    offset = data + Math.ceil(size / BLOCK) * BLOCK;
  }
  return members;
}
