/**
 * Hand-made tar blocks, for tests that need what tar-stream's packer will not write (raw non-UTF-8
 * names, GNU long-name records, v7 headers without magic, hostile headers, sizes of 8 GiB and more)
 * or tars too big to hold, made as they are read. Every header is written by `tarHeader`, and every
 * checksum by `fixChecksum` (or, for headers stamped from one template, `writeChecksum`).
 */
import { Readable } from "node:stream";

export const BLOCK = 512;

/** Two zero blocks: where a tar ends. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);

/** The zero bytes that pad `size` bytes of content to a whole block. */
export const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** The header checksum: the sum of the header's 512 bytes, its own field (148..156) read as spaces. */
export function checksumOf(archive: Buffer, offset = 0): number {
  let sum = 8 * 0x20;
  for (let i = offset; i < offset + BLOCK; i++) if (i < offset + 148 || i >= offset + 156) sum += archive[i] as number;
  return sum;
}

/** Writes `sum` into the checksum field of the header at `offset`, as tar does: six octal digits, NUL, space. */
export function writeChecksum(archive: Buffer, offset: number, sum: number): void {
  archive.write(`${sum.toString(8).padStart(6, "0")}\0 `, offset + 148, "latin1");
}

/** Recomputes the checksum of the header at `offset`, after a field was written or rewritten. */
export function fixChecksum(archive: Buffer, offset = 0): void {
  writeChecksum(archive, offset, checksumOf(archive, offset));
}

export interface HeaderOptions {
  /** Octal, or base-256 (as GNU tar writes sizes of 8 GiB and more) when it does not fit. */
  size?: number;
  /** The typeflag: `0` file, `1` hard link, `2` symlink, `5` directory, `x` PAX, `L` GNU long name… */
  type?: string;
  linkname?: Buffer | string;
  /** False for a v7 header, without the `ustar` magic. */
  magic?: boolean;
}

/** A ustar header block (mode 0644, owner 0:0, a fixed mtime), its checksum filled in. */
export function tarHeader(name: Buffer | string, options: HeaderOptions = {}): Buffer {
  const header = Buffer.alloc(BLOCK);
  Buffer.from(name).copy(header, 0, 0, 100);
  header.write("0000644\0", 100, "latin1");
  header.write("0000000\0", 108, "latin1");
  header.write("0000000\0", 116, "latin1");
  const size = options.size ?? 0;
  if (size < 8 ** 11) {
    header.write(`${size.toString(8).padStart(11, "0")}\0`, 124, "latin1");
  } else {
    header[124] = 0x80;
    header.writeBigUInt64BE(BigInt(size), 128);
  }
  header.write(`${(1_700_000_000).toString(8).padStart(11, "0")}\0`, 136, "latin1");
  header.write(options.type ?? "0", 156, "latin1");
  if (options.linkname) Buffer.from(options.linkname).copy(header, 157, 0, 100);
  if (options.magic !== false) header.write("ustar\x0000", 257, "latin1");
  fixChecksum(header);
  return header;
}

/** One entry: its header, its content, the padding to a whole block. */
export function rawEntry(name: Buffer | string, options: Omit<HeaderOptions, "size"> & { content?: Buffer | string } = {}): Buffer {
  const content = Buffer.from(options.content ?? "");
  return Buffer.concat([tarHeader(name, { ...options, size: content.length }), content, padding(content.length)]);
}

/** A GNU long name (`L`) or long link (`K`) record followed by its entry. */
export function gnuLongEntry(name: string, options: { type?: string; content?: string; linkname?: string } = {}): Buffer {
  const parts = [rawEntry("././@LongLink", { type: "L", content: `${name}\0` })];
  if (options.linkname) parts.push(rawEntry("././@LongLink", { type: "K", content: `${options.linkname}\0` }));
  parts.push(rawEntry(name.slice(0, 99), { type: options.type, content: options.content, linkname: options.linkname?.slice(0, 99) }));
  return Buffer.concat(parts);
}

/**
 * A PAX extended header carrying `records`, with each record's length prefix right: `x` for the next
 * entry, `g` for all that follow. A value may be bytes (an extended attribute's binary value).
 */
export function paxHeader(records: Record<string, string | Uint8Array>, type: "x" | "g" = "x"): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(records)) {
    const record = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from("\n")]);
    let length = record.length;
    while (String(length).length + record.length !== length) length = String(length).length + record.length;
    parts.push(Buffer.from(String(length)), record);
  }
  return rawEntry("PaxHeaders/entry", { type, content: Buffer.concat(parts) });
}

/** Offsets of the header blocks of a well-formed tar, found by walking the size fields. */
export function headerOffsets(archive: Buffer): number[] {
  const offsets: number[] = [];
  for (let offset = 0; offset + BLOCK <= archive.length;) {
    if (archive.subarray(offset, offset + BLOCK).every((byte) => byte === 0)) break;
    offsets.push(offset);
    const size = parseInt(
      archive
        .toString("latin1", offset + 124, offset + 136)
        .replace(/\0.*$/, "")
        .trim() || "0",
      8,
    );
    offset += BLOCK + Math.ceil(Math.max(0, size) / BLOCK) * BLOCK;
  }
  return offsets;
}

/**
 * A tar of `count` empty files `f/0`, `f/1`…, made as it is read (never held whole): headers are
 * stamped from one template, their checksums adjusted by the name bytes alone.
 */
export function lazyEmptyEntries(count: number): Readable {
  const template = tarHeader("");
  const templateSum = checksumOf(template);
  const PER_CHUNK = 128;
  return Readable.from(
    (function* () {
      for (let first = 0; first < count; first += PER_CHUNK) {
        const chunk = Buffer.alloc(BLOCK * Math.min(PER_CHUNK, count - first));
        for (let offset = 0, i = first; offset < chunk.length; offset += BLOCK, i++) {
          template.copy(chunk, offset);
          const written = chunk.write(`f/${i}`, offset, 100, "latin1");
          let sum = templateSum;
          for (let j = offset; j < offset + written; j++) sum += chunk[j] as number;
          writeChecksum(chunk, offset, sum);
        }
        yield chunk;
      }
      yield END_OF_ARCHIVE;
    })(),
  );
}

/** A tar holding one file of `size` zero bytes, made as it is read, in chunks of one shared 1 MiB buffer. */
export function lazyZeroFile(name: string, size: number): Readable {
  const zeros = Buffer.alloc(1 << 20);
  return Readable.from(
    (function* () {
      yield tarHeader(name, { size });
      for (let left = size; left > 0; left -= zeros.length) yield left >= zeros.length ? zeros : zeros.subarray(0, left);
      yield Buffer.concat([padding(size), END_OF_ARCHIVE]);
    })(),
  );
}
