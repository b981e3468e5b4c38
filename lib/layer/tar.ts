import { PortholeError } from "@/lib/core/errors";
import { nameOfBytes } from "@/lib/core/names";

/**
 * Tar, read as Go's archive/tar reads it: Docker, containerd, BuildKit and dive unpack layers with
 * it, so what Porthole lists is what a runtime unpacks, and a layer a runtime refuses is refused
 * here too (a parser that reads more leniently than the runtime is how a file hides from a scanner).
 * Browser-safe: bytes in, headers out, one pass, no copies but of headers that straddle chunks.
 * The rules, each a test in tests/unit/layer/tar.test.ts:
 * - a header's checksum is the sum of its bytes, unsigned or signed, its own field read as spaces;
 * - two zero blocks end the archive (what follows is read for the digests, never parsed); input that
 *   ends where a header would start ends it too; a zero block followed by a header is refused;
 * - the magic says the format: `ustar\0` (USTAR, PAX: the prefix field heads the name; star's longer
 *   prefix when its trailer says so), `ustar  \0` (GNU: no prefix), anything else v7;
 * - numbers are octal (padded with spaces and NULs) or base-256 (high bit set, two's complement);
 *   anything else is refused, as is a negative size;
 * - `x` holds PAX records for the next entry, `g` global ones (checked, then ignored: Go returns
 *   them as an entry of their own, which runtimes skip); records are `<length> <key>=<value>\n`
 *   exactly; a key with `=` or NUL, a path or link path with NUL, a malformed number or time is refused;
 * - `L` and `K` hold the next entry's GNU long name and link name, up to their first NUL;
 * - `x`, `g`, `L` and `K` are read only up to 1 MiB (Go's maxSpecialFileSize): longer is refused;
 * - a name is its ustar name, else the PAX `path`, else the GNU long name (each later one wins), and
 *   a link name likewise; an empty PAX value keeps the header's;
 * - a `\0` typeflag with a trailing slash is a directory (legacy archives);
 * - hard links, symlinks, devices, directories and FIFOs have no data, whatever their size says.
 */

export interface TarHeader {
  /** The typeflag, one character (`0` file, `5` directory, …). */
  type: string;
  /** As names.ts makes bytes into strings, not yet cleaned. */
  name: string;
  linkname: string;
  /** What the header says (a hard link's or a directory's is not its data's). */
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Where the entry's data starts in the tar stream. */
  offset: number;
  /** The raw `security.capability` extended attribute (PAX `SCHILY.xattr.security.capability`). */
  capability?: Uint8Array;
}

export interface TarMember {
  header: TarHeader;
  /** The entry's data, once, as it arrives; whatever is left unread is skipped. */
  data: EntryData;
}

const BLOCK = 512;
/** Go's maxSpecialFileSize: PAX headers and GNU long names longer than this are refused. */
const MAX_SPECIAL_FILE = 1 << 20;
const HEADER_ONLY = new Set(["1", "2", "3", "4", "5", "6"]);
const CAPABILITY_KEY = "SCHILY.xattr.security.capability";
const EMPTY: Uint8Array = new Uint8Array(0);
const latin1 = new TextDecoder("latin1");

/** A layer Go's archive/tar would not read: `at` is the header's byte offset. */
function refused(at: number, reason: string): PortholeError {
  return new PortholeError(
    "UPSTREAM_INVALID",
    `the layer is not a valid tar archive: ${reason} in the header at byte ${at} (Docker and containerd would refuse this layer)`,
  );
}

const truncated = () => new PortholeError("UPSTREAM_INVALID", "the layer ended early: truncated download or archive");

/**
 * The decompressed tar as it streams: views into its chunks where a chunk holds what is asked,
 * copies only where it straddles two. Each read has a synchronous form for what is buffered
 * already (most headers and small files): an entry costs no promise unless a chunk runs out.
 */
class Input {
  private chunk: Uint8Array = EMPTY;
  private at = 0;
  private readonly source: AsyncIterator<Uint8Array>;
  /** Bytes of the tar consumed so far. */
  position = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.source = source[Symbol.asyncIterator]();
  }

  get buffered(): number {
    return this.chunk.length - this.at;
  }

  /** Whether there is a byte to read (waiting for a chunk if none is buffered); false at the end of the input. */
  async more(): Promise<boolean> {
    while (this.buffered === 0) {
      const next = await this.source.next();
      if (next.done) return false;
      // A plain view: Buffer's own subarray costs several times a Uint8Array's.
      this.chunk = new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      this.at = 0;
    }
    return true;
  }

  /** The byte `offset` bytes ahead, which must be buffered. */
  peek(offset: number): number {
    return this.chunk[this.at + offset] as number;
  }

  /** The next `length` bytes when they are buffered, else null (and nothing is read). */
  exactlyNow(length: number): Uint8Array | null {
    return this.buffered >= length ? this.take(length) : null;
  }

  /** The next `length` bytes; null when the input ends before the first of them, an error when it ends among them. */
  async exactly(length: number): Promise<Uint8Array | null> {
    const buffered = this.exactlyNow(length);
    if (buffered) return buffered;
    const out = new Uint8Array(length);
    for (let got = 0; got < length;) {
      if (!(await this.more())) {
        if (got === 0) return null;
        throw truncated();
      }
      const piece = this.take(Math.min(length - got, this.buffered));
      out.set(piece, got);
      got += piece.length;
    }
    return out;
  }

  /** Up to `max` of the next bytes, as far as they are buffered (empty when none are). */
  someNow(max: number): Uint8Array {
    return this.take(Math.min(max, this.buffered));
  }

  /** Skips `length` bytes; false when the input ended before the first, an error when among them. */
  async skip(length: number): Promise<boolean> {
    let left = length - this.someNow(length).length;
    while (left > 0) {
      if (!(await this.more())) {
        if (left === length) return false;
        throw truncated();
      }
      left -= this.someNow(left).length;
    }
    return true;
  }

  /** Reads the rest of the input (it still counts for the layer's digests). */
  async drain(): Promise<void> {
    while (await this.more()) this.take(this.buffered);
  }

  private take(length: number): Uint8Array {
    const view = this.chunk.subarray(this.at, this.at + length);
    this.at += length;
    this.position += length;
    return view;
  }
}

/** The bytes at [start, start + length) up to the first NUL among them. */
function cString(bytes: Uint8Array, start = 0, length = bytes.length - start): Uint8Array {
  const nul = bytes.indexOf(0, start);
  return bytes.subarray(start, nul < 0 || nul > start + length ? start + length : nul);
}

const isBlank = (byte: number) => byte === 0 || byte === 0x20;

/**
 * The octal number in `block` at [start, start + length), padded with spaces and NULs; null when it
 * is not a number. Read in place: a header has seven numbers, and a layer a million headers.
 */
function octal(block: Uint8Array, start: number, length: number): number | null {
  let from = start;
  let to = start + length;
  while (from < to && isBlank(block[from] as number)) from++;
  while (to > from && isBlank(block[to - 1] as number)) to--;
  let value = 0;
  for (let i = from; i < to; i++) {
    // A NUL inside ends the string, as Go's parseString reads it.
    if (block[i] === 0) break;
    const digit = (block[i] as number) - 0x30;
    if (digit < 0 || digit > 7) return null;
    value = value * 8 + digit;
  }
  return value <= Number.MAX_SAFE_INTEGER ? value : null;
}

/** A numeric field: base-256 (two's complement) when its high bit is set, else octal; null when it is not a number. */
function numeric(block: Uint8Array, start: number, length: number): number | null {
  const first = block[start] as number;
  if (!(first & 0x80)) return octal(block, start, length);
  const negative = (first & 0x40) !== 0;
  let value = 0;
  for (let i = start; i < start + length; i++) {
    let byte = (block[i] as number) ^ (negative ? 0xff : 0);
    if (i === start) byte &= 0x7f;
    value = value * 256 + byte;
  }
  if (value > Number.MAX_SAFE_INTEGER) return null;
  return negative ? -value - 1 : value;
}

/** Go accepts a header whose stored checksum is the unsigned or the signed sum of its bytes (its own field read as spaces). */
function checksumOk(block: Uint8Array): boolean {
  const stored = octal(block, 148, 8);
  if (stored === null) return false;
  let field = 0;
  for (let i = 148; i < 156; i++) field += block[i] as number;
  const unsigned = byteSum(block) - field + 8 * 0x20;
  if (stored === unsigned) return true;
  let high = 0;
  for (let i = 0; i < BLOCK; i++) if ((i < 148 || i >= 156) && (block[i] as number) > 127) high++;
  return stored === unsigned - 256 * high;
}

/** A DataView per buffer the chunks live in: made once, read at any offset. */
const views = new WeakMap<ArrayBufferLike, DataView>();

/**
 * The sum of a block's 512 bytes, four at a time (two 16-bit lanes per word: 128 words of at most
 * 2 × 255 each stay under 65 536). Every header is summed: this is the reader's hottest loop.
 */
function byteSum(block: Uint8Array): number {
  let view = views.get(block.buffer);
  if (!view) views.set(block.buffer, (view = new DataView(block.buffer)));
  let lanes = 0;
  for (let at = block.byteOffset, end = at + BLOCK; at < end; at += 4) {
    const word = view.getUint32(at, true);
    lanes += (word & 0x00ff00ff) + ((word >>> 8) & 0x00ff00ff);
  }
  return (lanes & 0xffff) + (lanes >>> 16);
}

function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

const USTAR = bytesOf("ustar\0");
/** Every format but v7 starts its magic so. */
const USTAR_MAGIC = bytesOf("ustar");
const GNU = bytesOf("ustar  \0");
const STAR_TRAILER = bytesOf("tar\0");

function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

function matches(block: Uint8Array, at: number, expected: Uint8Array): boolean {
  for (let i = 0; i < expected.length; i++) if (block[at + i] !== expected[i]) return false;
  return true;
}

/** The ustar name with its prefix, by format: USTAR and PAX (`ustar\0`) have a 155-byte prefix, star a 131-byte one, GNU and v7 none. */
function ustarName(block: Uint8Array): Uint8Array {
  const name = cString(block, 0, 100);
  // Most headers have no prefix (its first byte is NUL), in every format.
  if (block[345] === 0) return name;
  let prefix = EMPTY;
  if (matches(block, 257, USTAR)) prefix = cString(block, 345, matches(block, 508, STAR_TRAILER) ? 131 : 155);
  else if (matches(block, 257, GNU)) prefix = gnuMisplacedPrefix(block);
  if (prefix.length === 0) return name;
  const joined = new Uint8Array(prefix.length + 1 + name.length);
  joined.set(prefix);
  joined[prefix.length] = 0x2f;
  joined.set(name, prefix.length + 1);
  return joined;
}

/**
 * GNU headers have no prefix, but Go before 1.8 wrote one where GNU keeps atime and ctime: when
 * those do not parse as numbers and the field is ASCII, Go reads it as a prefix (golang/go#12594).
 */
function gnuMisplacedPrefix(block: Uint8Array): Uint8Array {
  const timeParses = (start: number) => block[start] === 0 || numeric(block, start, 12) !== null;
  if (timeParses(345) && timeParses(357)) return EMPTY;
  const prefix = cString(block, 345, 155);
  return prefix.every((byte) => byte < 0x80) ? prefix : EMPTY;
}

/** PAX records (`<length> <key>=<value>\n`), strictly as Go's parsePAXRecord reads them. */
export function paxRecords(body: Uint8Array, at: number): Map<string, Uint8Array> {
  const records = new Map<string, Uint8Array>();
  for (let offset = 0; offset < body.length;) {
    const space = body.indexOf(0x20, offset);
    const digits = space < 0 ? "" : latin1.decode(body.subarray(offset, space));
    const length = /^[+-]?[0-9]{1,18}$/.test(digits) ? Number(digits) : NaN;
    if (!(length >= 5) || length > body.length - offset || length <= space - offset + 1) throw refused(at, "a malformed PAX record");
    const record = body.subarray(space + 1, offset + length - 1);
    if (body[offset + length - 1] !== 0x0a) throw refused(at, "a PAX record without its newline");
    const equals = record.indexOf(0x3d);
    if (equals <= 0) throw refused(at, "a PAX record without a key");
    const key = latin1.decode(record.subarray(0, equals));
    const value = record.subarray(equals + 1);
    const nulIn = (bytes: Uint8Array) => bytes.includes(0);
    if (nulIn(record.subarray(0, equals)) || (["path", "linkpath", "uname", "gname"].includes(key) && nulIn(value))) {
      throw refused(at, `a NUL in the PAX record ${JSON.stringify(key)}`);
    }
    records.set(key, value);
    offset += length;
  }
  return records;
}

/** A PAX decimal integer (Go's ParseInt): null when it is not one, or out of range. */
function paxInteger(text: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(text)) return null;
  const number = Number(text);
  return Math.abs(number) < 2 ** 63 ? number : null;
}

/** A PAX time, `seconds[.fraction]`, as whole seconds (Go's parsePAXTime); null when malformed. */
function paxSeconds(text: string): number | null {
  const [seconds = "", fraction] = text.split(/\.(.*)/s);
  const whole = paxInteger(seconds);
  if (whole === null || (fraction !== undefined && !/^[0-9]*$/.test(fraction))) return null;
  const negativeFraction = seconds.startsWith("-") && /[1-9]/.test(fraction ?? "");
  return negativeFraction ? whole - 1 : whole;
}

/** What the PAX records of an entry change in its header, as Go's mergePAX: an empty value keeps the header's. */
function mergePax(header: TarHeader, records: Map<string, Uint8Array>, at: number): void {
  for (const [key, value] of records) {
    if (value.length === 0) continue;
    const number = (parse: (text: string) => number | null) => {
      const parsed = parse(latin1.decode(value));
      if (parsed === null) throw refused(at, `a malformed PAX ${key}`);
      return parsed;
    };
    if (key === "path") header.name = nameOfBytes(value);
    else if (key === "linkpath") header.linkname = nameOfBytes(value);
    else if (key === "uid") header.uid = number(paxInteger);
    else if (key === "gid") header.gid = number(paxInteger);
    else if (key === "size") header.size = number(paxInteger);
    else if (key === "mtime") header.mtime = number(paxSeconds);
    else if (key === "atime" || key === "ctime") number(paxSeconds);
    else if (key === CAPABILITY_KEY) header.capability = Uint8Array.from(value);
  }
}

/** A header block's fields; throws when a number does not parse. */
function parseHeader(block: Uint8Array, at: number): TarHeader {
  const field = (name: string, from: number, length: number) => {
    const value = numeric(block, from, length);
    if (value === null) throw refused(at, `the ${name} field is not a number`);
    return value;
  };
  const header: TarHeader = {
    type: String.fromCharCode(block[156] as number),
    name: nameOfBytes(ustarName(block)),
    linkname: block[157] === 0 ? "" : nameOfBytes(cString(block, 157, 100)),
    size: field("size", 124, 12),
    mode: field("mode", 100, 8),
    uid: field("uid", 108, 8),
    gid: field("gid", 116, 8),
    mtime: field("mtime", 136, 12),
    offset: at + BLOCK,
  };
  // Go parses the device numbers of every format but v7, and refuses the header when they do not parse.
  if (matches(block, 257, USTAR_MAGIC))
    for (const [name, from] of [
      ["devmajor", 329],
      ["devminor", 337],
    ] as const)
      field(name, from, 8);
  return header;
}

/** The bytes of data that follow a header: none for the types that have none, whatever their size field says. */
const dataLength = (header: TarHeader) => (HEADER_ONLY.has(header.type) ? 0 : header.size);

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

const [X, G, L, K] = ["x", "g", "L", "K"].map((type) => type.charCodeAt(0));

/** A header block's fields, its checksum checked; throws what Go would refuse. */
function checkedHeader(block: Uint8Array, at: number): TarHeader {
  if (!checksumOk(block)) throw refused(at, "a bad checksum");
  const header = parseHeader(block, at);
  if (dataLength(header) < 0) throw refused(at, "a negative size");
  return header;
}

/**
 * The entries of a tar stream, in order, as Go's Reader.Next returns them (PAX and GNU long-name
 * headers folded into the entry they describe; global PAX headers checked, then left out), in
 * batches: what one stretch of input held. Only a batch's last entry may have data still to come,
 * which must be read (or left) before the next batch; the others' data is at hand. Batches keep
 * the cost per entry off promises (an entry-heavy layer has hundreds of thousands). Throws at the
 * first thing Go would refuse, after the entries before it, so a listing never ends clean where a
 * runtime would have failed. Reads the input to its end, past the end-of-archive marker.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<TarMember[]> {
  const reader = new TarReader(new Input(source));
  let batch: TarMember[] = [];
  try {
    for (;;) {
      let member = reader.nextNow();
      if (!member) {
        // Handed over before waiting for input, so entries flow as the layer streams.
        if (batch.length) yield batch;
        batch = [];
        member = await reader.next();
        if (!member) break;
      }
      batch.push(member);
      // Its data is yet to come: read (or left) before the reader moves on.
      if (member.data.whole === null) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (batch.length) yield batch;
    throw error;
  }
  if (batch.length) yield batch;
}

/** Go's Reader.Next over the input: the next entry, or null at the end of the archive. */
class TarReader {
  private pax: Map<string, Uint8Array> | null = null;
  private longName: Uint8Array | null = null;
  private longLink: Uint8Array | null = null;
  private last: EntryData | null = null;
  private ended = false;

  constructor(private readonly input: Input) {}

  /**
   * The next entry when everything up to it is buffered and it is a plain one (no PAX or GNU
   * header before it, not the end): read without a promise. Null when `next` must do it.
   */
  nextNow(): TarMember | null {
    const { input } = this;
    const owed = this.last ? this.last.left + padding(this.last.length) : 0;
    if (this.ended || input.buffered < owed + BLOCK) return null;
    const type = input.peek(owed + 156);
    if (input.peek(owed) === 0 || type === X || type === G || type === L || type === K) return null;
    input.someNow(owed);
    this.last?.skippedNow();
    this.last = null;
    const at = input.position;
    return this.entry(input.exactlyNow(BLOCK) as Uint8Array, at);
  }

  async next(): Promise<TarMember | null> {
    const { input } = this;
    if (this.ended || !(await this.finishLast())) return null;
    for (;;) {
      const at = input.position;
      const block = await input.exactly(BLOCK);
      if (!block) return this.end();
      if (isZeroBlock(block)) {
        const next = await input.exactly(BLOCK);
        if (next && !isZeroBlock(next)) throw refused(at + BLOCK, "a header after a single zero block");
        await input.drain();
        return this.end();
      }
      const type = block[156];
      if (type !== X && type !== G && type !== L && type !== K) return this.entry(block, at);
      const header = checkedHeader(block, at);
      this.special(header.type, await special(input, header, at), at);
    }
  }

  /** The entry whose header `block` is (at byte `at`), with what the headers before it said. */
  private entry(block: Uint8Array, at: number): TarMember {
    const header = checkedHeader(block, at);
    if (this.pax) mergePax(header, this.pax, at);
    if (this.longName?.length) header.name = nameOfBytes(this.longName);
    if (this.longLink?.length) header.linkname = nameOfBytes(this.longLink);
    this.pax = this.longName = this.longLink = null;
    if (header.type === "\0") header.type = header.name.endsWith("/") ? "5" : "0";
    const length = dataLength(header);
    if (length < 0) throw refused(at, "a negative size");
    const whole = this.input.exactlyNow(length);
    this.last = whole ? EntryData.of(whole) : new EntryData(this.input, length);
    return { header, data: this.last };
  }

  /** What a PAX header or GNU long name says of the next entry. */
  private special(type: string, body: Uint8Array, at: number): void {
    if (type === "x") this.pax = paxRecords(body, at);
    else if (type === "L") this.longName = cString(body);
    else if (type === "K") this.longLink = cString(body);
    else {
      // Go returns a global header as an entry of its own, which ends what earlier headers said of the next one.
      paxRecords(body, at);
      this.pax = this.longName = this.longLink = null;
    }
  }

  /** Skips what the last entry's reader left, and its padding; false when the input ended there, as Go allows. */
  private async finishLast(): Promise<boolean> {
    const last = this.last;
    if (!last) return true;
    this.last = null;
    await last.skipRest();
    const pad = padding(last.length);
    const padded = this.input.someNow(pad).length;
    if (padded === pad || (await this.input.skip(pad - padded))) return true;
    if (padded > 0) throw truncated();
    this.end();
    return false;
  }

  private end(): null {
    this.ended = true;
    return null;
  }
}

/** The body of a PAX header or GNU long name: refused past 1 MiB before any of it is read. */
async function special(input: Input, header: TarHeader, at: number): Promise<Uint8Array> {
  if (header.size > MAX_SPECIAL_FILE)
    throw refused(at, `a type-${header.type} header of ${header.size} bytes, over the ${MAX_SPECIAL_FILE} bytes Go reads`);
  const body = (await input.exactly(header.size)) ?? EMPTY;
  if (body.length < header.size) throw truncated();
  await input.skip(padding(header.size));
  return body;
}

/** One entry's data: read at most once, as it streams; what the reader leaves is skipped. */
export class EntryData implements AsyncIterable<Uint8Array> {
  /** Bytes not read yet. */
  left: number;

  constructor(
    private readonly input: Input | null,
    readonly length: number,
    /** All of it, when it was buffered as the header was read (most files of entry-heavy layers); else null. */
    readonly whole: Uint8Array | null = null,
  ) {
    this.left = whole ? 0 : length;
  }

  /** Data that was at hand whole. */
  static of(bytes: Uint8Array): EntryData {
    return new EntryData(null, bytes.length, bytes);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.whole) yield this.whole;
    while (this.left > 0) yield await this.piece();
  }

  /** Gives every byte to `write`, as it arrives: without a promise when the data is buffered already. */
  async each(write: (piece: Uint8Array) => void): Promise<void> {
    if (this.whole) write(this.whole);
    while (this.left > 0) write((this.input as Input).buffered > 0 ? this.pieceNow() : await this.piece());
  }

  /** What was not read was skipped by the reader (it was buffered). */
  skippedNow(): void {
    this.left = 0;
  }

  /** Skips what was not read: it must all be there. */
  async skipRest(): Promise<void> {
    if (!this.input) return;
    const left = this.left - this.pieceNow().length;
    this.left = 0;
    if (left > 0 && !(await this.input.skip(left))) throw truncated();
  }

  private pieceNow(): Uint8Array {
    const piece = (this.input as Input).someNow(this.left);
    this.left -= piece.length;
    return piece;
  }

  private async piece(): Promise<Uint8Array> {
    if (!(await (this.input as Input).more())) throw truncated();
    return this.pieceNow();
  }
}
