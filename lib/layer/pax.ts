import tar, { type Extract, type Header } from "tar-stream";

/**
 * tar-stream, with two things it does not do:
 * - It decodes every PAX record's value as UTF-8. A file capability is a binary struct, which that
 *   decoding mangles, so this extractor also keeps that one record's raw bytes, from the PAX header
 *   itself, on the entry's `header.pax`.
 * - It reads on past the end-of-archive marker (two zero blocks). Go's archive/tar, which Docker,
 *   containerd and dive read layers with, stops there: what follows (eStargz's table of contents)
 *   is not in the filesystem. This extractor says where the marker was.
 * Everything else is tar-stream's own parsing.
 */

const CAPABILITY_RECORD = "SCHILY.xattr.security.capability";
const RAW_CAPABILITY = Symbol("raw security.capability");

/** The parts of tar-stream's Extract this module reaches into (not in its typings). */
interface ExtractInternals {
  /** The header being read: a PAX header's type is one its typings leave out. */
  _header: { type: string };
  /** The record values of the PAX header just read, until the next entry takes them as its `pax`. */
  _pax: Record<string | symbol, unknown> | null;
  _decodeLongHeader(buf: Buffer): void;
  /** Reads the next 512-byte header block; `_header` is null after a zero block. */
  _consumeHeader(): boolean;
  /** Bytes of the tar stream consumed so far. */
  _buffer: { shifted: number };
}

type ExtractOptions = Parameters<typeof tar.extract>[0] & { filenameEncoding?: string; allowUnknownFormat?: boolean };
type ExtractClass = new (options?: ExtractOptions) => Extract & ExtractInternals;

// tar-stream exports a factory, not its class: the class is reached through one instance.
const TarExtract = Object.getPrototypeOf(tar.extract()).constructor as ExtractClass;

class RawPaxExtract extends TarExtract {
  /** Stream offset just past the end-of-archive marker, once it went by. */
  endOfArchive: number | null = null;
  private zeroBlocks = 0;

  override _consumeHeader(): boolean {
    const before = this._buffer.shifted;
    const result = super._consumeHeader();
    const zeroBlock = this._buffer.shifted === before + 512 && (this._header as unknown) === null;
    this.zeroBlocks = zeroBlock ? this.zeroBlocks + 1 : this._buffer.shifted > before ? 0 : this.zeroBlocks;
    if (this.zeroBlocks === 2 && this.endOfArchive === null) this.endOfArchive = this._buffer.shifted;
    return result;
  }

  override _decodeLongHeader(buf: Buffer): void {
    super._decodeLongHeader(buf);
    if (this._header.type !== "pax-header" || !this._pax) return;
    const capability = paxRecord(buf, CAPABILITY_RECORD);
    // A copy: `buf` is a view into the stream's own buffers.
    if (capability) this._pax[RAW_CAPABILITY] = Uint8Array.from(capability);
  }
}

/** tar-stream's extractor, keeping the raw bytes of `SCHILY.xattr.security.capability` records and where the archive ended. */
export function rawPaxExtract(options: ExtractOptions): Extract & { endOfArchive: number | null } {
  return new RawPaxExtract(options);
}

/** Whether an entry (its header as the extractor emitted it) comes after the end-of-archive marker. */
export function pastEndOfArchive(extract: { endOfArchive: number | null }, header: Header): boolean {
  const offset = (header as Header & { byteOffset?: number }).byteOffset;
  return extract.endOfArchive !== null && offset !== undefined && offset > extract.endOfArchive;
}

/** The raw `security.capability` value an entry's PAX header carried, if any. */
export function rawCapability(header: Header): Uint8Array | undefined {
  const pax = header.pax as Record<symbol, unknown> | null | undefined;
  const value = pax?.[RAW_CAPABILITY];
  return value instanceof Uint8Array ? value : undefined;
}

const SPACE = 0x20;
const EQUALS = 0x3d;

/**
 * The raw value of the last record named `key` in a PAX header's body (records are
 * `<length> <key>=<value>\n`, the length counting the whole record in bytes), or null. Reading stops
 * at the first malformed record, as tar-stream's own parser does.
 */
export function paxRecord(body: Uint8Array, key: string): Uint8Array | null {
  const wanted = new TextEncoder().encode(key);
  let found: Uint8Array | null = null;
  for (let offset = 0; offset < body.length;) {
    const space = body.indexOf(SPACE, offset);
    const digits = space === -1 ? "" : new TextDecoder().decode(body.subarray(offset, space));
    if (!/^\d{1,15}$/.test(digits)) break;
    const length = Number(digits);
    if (length <= space - offset || offset + length > body.length) break;
    const record = body.subarray(space + 1, offset + length - 1);
    const equals = record.indexOf(EQUALS);
    if (equals === wanted.length && wanted.every((byte, i) => record[i] === byte)) found = record.subarray(equals + 1);
    offset += length;
  }
  return found;
}
