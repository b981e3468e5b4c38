import "server-only";
import tar, { type Extract, type Header } from "tar-stream";

/**
 * tar-stream decodes every PAX record's value as UTF-8. A file capability is a binary struct, which
 * that decoding mangles, so the extractor here also keeps that one record's raw bytes, from the PAX
 * header itself, on the entry's `header.pax`. Everything else is tar-stream's own parsing.
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
}

type ExtractOptions = Parameters<typeof tar.extract>[0] & { filenameEncoding?: string; allowUnknownFormat?: boolean };
type ExtractClass = new (options?: ExtractOptions) => Extract & ExtractInternals;

// tar-stream exports a factory, not its class: the class is reached through one instance.
const TarExtract = Object.getPrototypeOf(tar.extract()).constructor as ExtractClass;

class RawPaxExtract extends TarExtract {
  override _decodeLongHeader(buf: Buffer): void {
    super._decodeLongHeader(buf);
    if (this._header.type !== "pax-header" || !this._pax) return;
    const capability = paxRecord(buf, CAPABILITY_RECORD);
    // A copy: `buf` is a view into the stream's own buffers.
    if (capability) this._pax[RAW_CAPABILITY] = Uint8Array.from(capability);
  }
}

/** tar-stream's extractor, keeping the raw bytes of `SCHILY.xattr.security.capability` records. */
export function rawPaxExtract(options: ExtractOptions): Extract {
  return new RawPaxExtract(options);
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
