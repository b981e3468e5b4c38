/**
 * Go build information in executables (what `go version -m` prints): the Go version, the main module,
 * each dependency module (with its replacement, if any) and the build settings.
 *
 * The format, and what becomes a package, is go-buildinfo.ts's; this file finds it in a stream.
 *
 * The scanner is streaming: a layer is read once, and a Go binary can be 100 MB, so it keeps the file's
 * first HEAD_SIZE bytes, the 13 bytes that may start a marker across a chunk boundary and, after a
 * marker, a window bounded by MAX_MODULE_INFO_BYTES. Only files starting with an ELF, Mach-O or PE magic
 * number are scanned; in ELF files, from the data segment on (see elfDataStart). The first marker
 * followed by sound build information is the answer; markers that are not (debug/buildinfo's own marker
 * string, in binaries that import it) are skipped.
 */
import { decodeBuildInfo, HEADER_SIZE, MAGIC, type GoScanResult, type Rejected } from "@/lib/packages/go-buildinfo";

/** The bytes read before searching: the magic number and, for ELF, the program headers. */
const HEAD_SIZE = 4096;
const ALIGNMENT = 16;
/** Markers that turn out to be something else (the marker string in debug/buildinfo's own code…). */
const MAX_FALSE_MARKERS = 64;

/** The build information of a whole file in memory (a local file in the browser, a test). */
export function scanGoBuildInfo(bytes: Uint8Array): GoScanResult {
  const scanner = new GoBuildInfoScanner();
  scanner.write(bytes);
  return scanner.result();
}

/** Whether these first bytes of a file are an ELF, Mach-O (thin or fat) or PE executable's magic number. */
export function looksLikeExecutable(head: Uint8Array): boolean {
  const [a, b, c, d] = head;
  if (a === 0x4d && b === 0x5a) return true; // PE: "MZ"
  if (a === 0x7f && b === 0x45 && c === 0x4c && d === 0x46) return true; // ELF
  const word = (((a ?? 0) << 24) | ((b ?? 0) << 16) | ((c ?? 0) << 8) | (d ?? 0)) >>> 0;
  return [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(word);
}

type Segment = { bytes: Uint8Array; start: number };

/**
 * Feed a file's bytes in order with write(); result() says what was found. `done` turns true as soon as
 * more bytes cannot change the answer, so the caller may stop feeding.
 */
export class GoBuildInfoScanner {
  private position = 0;
  private head: Uint8Array = new Uint8Array(0);
  /** The first HEAD_SIZE bytes are gathered before the search starts: they say where to search. */
  private state: "head" | "searching" | "capturing" | "done" = "head";
  /** The next aligned offset that may start a marker. */
  private nextCandidate = ALIGNMENT; // offset 0 holds the executable's magic number
  /** Bytes from `nextCandidate` on, kept when a chunk ended in the middle of a possible marker. */
  private carry: Uint8Array = new Uint8Array(0);
  /** The bytes after a marker: allocated to the size the decoding needs so far, `windowLength` of them filled. */
  private window: Uint8Array = new Uint8Array(0);
  private windowLength = 0;
  private windowStart = 0;
  private falseMarkers = 0;
  /** Why the last marker that looked real (a sound header) was rejected: the answer if nothing better turns up. */
  private rejection: string | undefined;
  private final: GoScanResult | undefined;

  get done(): boolean {
    return this.state === "done";
  }

  write(chunk: Uint8Array): void {
    const start = this.position;
    this.position += chunk.length;
    this.run([{ bytes: chunk, start }]);
  }

  result(): GoScanResult {
    if (this.state === "head") this.run(this.startSearch([])); // a file shorter than HEAD_SIZE
    if (this.final) return this.final;
    if (this.state === "capturing") {
      return { status: "unreadable", problem: `the Go build information at byte ${this.windowStart} is cut off by the end of the file` };
    }
    return this.rejection ? { status: "unreadable", problem: this.rejection } : { status: "no-build-info" };
  }

  /** Feeds the segments, in order, each to the state it reaches. */
  private run(segments: Segment[]): void {
    for (let segment = segments.shift(); segment && this.state !== "done"; segment = segments.shift()) {
      segments.unshift(...this.step(segment.bytes, segment.start));
    }
  }

  /** Consumes `bytes` (starting at file offset `start`) in the current state; returns what is left for the next state. */
  private step(bytes: Uint8Array, start: number): Segment[] {
    if (this.state === "head") return this.readHead(bytes, start);
    if (this.state === "searching") return this.search(bytes, start);
    if (this.state === "capturing") return this.capture(bytes, start);
    return [];
  }

  private readHead(bytes: Uint8Array, start: number): Segment[] {
    const taken = bytes.subarray(0, HEAD_SIZE - this.head.length);
    this.head = concat(this.head, taken);
    if (this.head.length < HEAD_SIZE) return [];
    return this.startSearch([{ bytes: bytes.subarray(taken.length), start: start + taken.length }]);
  }

  /** Decides from the head whether and from where to search, then searches the head and what follows. */
  private startSearch(rest: Segment[]): Segment[] {
    if (!looksLikeExecutable(this.head)) return this.finish({ status: "not-executable" });
    this.state = "searching";
    this.nextCandidate = Math.max(ALIGNMENT, alignDown(elfDataStart(this.head) ?? 0));
    return [{ bytes: this.head, start: 0 }, ...rest];
  }

  private search(bytes: Uint8Array, start: number): Segment[] {
    const end = start + bytes.length;
    // A marker that began in an earlier chunk: at most one, as the carry is shorter than the alignment.
    if (this.carry.length > 0) {
      const carried = this.carry;
      const joined = concat(carried, bytes.subarray(0, MAGIC.length - carried.length));
      if (joined.length < MAGIC.length) {
        this.carry = joined;
        return [];
      }
      this.carry = new Uint8Array(0);
      if (matchesMagic(joined, 0))
        return this.startCapture(this.nextCandidate, [
          { bytes: carried, start: this.nextCandidate },
          { bytes, start },
        ]);
      this.nextCandidate += ALIGNMENT;
    }
    for (let at = Math.max(this.nextCandidate, alignUp(start)); at < end; at += ALIGNMENT) {
      const offset = at - start;
      if (bytes[offset] !== MAGIC[0]) continue;
      if (at + MAGIC.length > end) {
        this.nextCandidate = at;
        this.carry = bytes.slice(offset);
        return [];
      }
      if (matchesMagic(bytes, offset)) return this.startCapture(at, [{ bytes: bytes.subarray(offset), start: at }]);
    }
    this.nextCandidate = Math.max(this.nextCandidate, alignUp(end));
    return [];
  }

  private startCapture(at: number, rest: Segment[]): Segment[] {
    this.state = "capturing";
    this.window = new Uint8Array(HEADER_SIZE);
    this.windowLength = 0;
    this.windowStart = at;
    return rest;
  }

  private capture(bytes: Uint8Array, start: number): Segment[] {
    const taken = bytes.subarray(0, this.window.length - this.windowLength);
    this.window.set(taken, this.windowLength);
    this.windowLength += taken.length;
    const rest = { bytes: bytes.subarray(taken.length), start: start + taken.length };
    if (this.windowLength < this.window.length) return [];
    const decoded = decodeBuildInfo(this.window);
    if ("need" in decoded) {
      const grown = new Uint8Array(decoded.need);
      grown.set(this.window);
      this.window = grown;
      return [rest];
    }
    if ("result" in decoded) return this.finish(decoded.result);
    return this.reject(decoded, rest);
  }

  /** Not build info after all: search again from the next aligned offset, over the window's bytes too. */
  private reject(decoded: Rejected, rest: Segment): Segment[] {
    if (decoded.strong) this.rejection = `the Go build information at byte ${this.windowStart} ${decoded.rejected}`;
    if (++this.falseMarkers > MAX_FALSE_MARKERS) {
      return this.finish({ status: "unreadable", problem: `more than ${MAX_FALSE_MARKERS} Go build information markers are not build information` });
    }
    this.state = "searching";
    this.nextCandidate = this.windowStart + ALIGNMENT;
    const rescan = { bytes: this.window.subarray(ALIGNMENT), start: this.windowStart + ALIGNMENT };
    this.window = new Uint8Array(0);
    return [rescan, rest];
  }

  private finish(result: GoScanResult): [] {
    this.final = result;
    this.state = "done";
    this.window = new Uint8Array(0);
    this.carry = new Uint8Array(0);
    return [];
  }
}

const alignUp = (offset: number) => Math.ceil(offset / ALIGNMENT) * ALIGNMENT;
const alignDown = (offset: number) => Math.floor(offset / ALIGNMENT) * ALIGNMENT;

const PT_LOAD = 1;
const PF_W = 2;

/**
 * For ELF, where the first writable loadable segment starts in the file, read from the program headers
 * near its start. Go's linker puts .go.buildinfo there (first in the data segment); searching from there
 * skips copies of other binaries embedded in read-only data (go:embed), which carry markers of their own.
 * Undefined when this is not ELF or the headers do not say (then the whole file is searched).
 */
function elfDataStart(head: Uint8Array): number | undefined {
  const [m0, m1, m2, m3, elfClass, encoding] = head;
  if (m0 !== 0x7f || m1 !== 0x45 || m2 !== 0x4c || m3 !== 0x46 || (elfClass !== 1 && elfClass !== 2) || (encoding !== 1 && encoding !== 2))
    return undefined;
  const is64 = elfClass === 2;
  const little = encoding === 1;
  if (head.length < (is64 ? 64 : 52)) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const word = (at: number) => (is64 ? Number(view.getBigUint64(at, little)) : view.getUint32(at, little));
  const tableStart = word(is64 ? 0x20 : 0x1c);
  const entrySize = view.getUint16(is64 ? 0x36 : 0x2a, little);
  const count = view.getUint16(is64 ? 0x38 : 0x2c, little);
  if (entrySize < (is64 ? 56 : 32) || tableStart + count * entrySize > head.length) return undefined;
  let start: number | undefined;
  for (let entry = tableStart; entry < tableStart + count * entrySize; entry += entrySize) {
    const flags = view.getUint32(entry + (is64 ? 4 : 24), little);
    const offset = word(entry + (is64 ? 8 : 4));
    if (view.getUint32(entry, little) === PT_LOAD && (flags & PF_W) !== 0) start = Math.min(start ?? offset, offset);
  }
  return start;
}

function matchesMagic(bytes: Uint8Array, offset: number): boolean {
  for (let i = 0; i < MAGIC.length; i++) if (bytes[offset + i] !== MAGIC[i]) return false;
  return true;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
