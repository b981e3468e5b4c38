import type { FoundPackage } from "@/lib/packages/types";

/**
 * An rpm header as the rpm database stores it (each record of `Packages` in Berkeley DB or SQLite): the
 * package header without the 8-byte magic a `.rpm` file puts in front. Big-endian throughout:
 *   u32 index count · u32 data length · index entries (16 bytes each: i32 tag, u32 type, i32 offset,
 *   u32 count) · data store.
 * We read only the tags that say what is installed: name, epoch, version, release, arch and the file list.
 * Every offset and count is checked against the blob before it is used, so a hostile header costs at
 * most a pass over its own bytes.
 */

/** The header tags read here (rpm's rpmtag.h numbers). */
export const TAG = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  arch: 1022,
  oldFilenames: 1027,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
} as const;

const TYPE = { int32: 4, string: 6, stringArray: 8, i18nString: 9 } as const;

const INTRO_SIZE = 8;
const ENTRY_SIZE = 16;
// rpm's own sanity limits on a header (hdrchkTags, hdrchkData): anything bigger is corrupt.
const MAX_ENTRIES = 0xffff;
const MAX_DATA_LENGTH = 0x0fffffff;

interface IndexEntry {
  type: number;
  offset: number;
  count: number;
}

interface Header {
  entries: Map<number, IndexEntry>;
  /** The data store: entry offsets are relative to it. */
  data: Uint8Array;
}

export interface RpmHeaderResult {
  /** null when the header is unreadable or names no package. */
  package: FoundPackage | null;
  /** What was wrong, each a sentence; a package can come with problems (say, an unreadable file list). */
  problems: string[];
}

const utf8 = new TextDecoder("utf-8");

/** Reads one header blob into the package it describes; `db` is the database file it came from. */
export function readRpmHeader(blob: Uint8Array, db: string): RpmHeaderResult {
  const header = parseHeader(blob);
  if (typeof header === "string") return { package: null, problems: [header] };
  const problems: string[] = [];
  const name = readString(header, TAG.name);
  if (!name) return { package: null, problems: ["the header has no package name"] };
  const found: FoundPackage = { type: "rpm", name, version: versionOf(header), db };
  const arch = readString(header, TAG.arch);
  if (arch) found.arch = arch;
  const files = readFiles(header);
  // No `files` when the list is unreadable (unknown); an empty one when the package owns none.
  if (typeof files === "string") problems.push(`${name}: ${files}`);
  else found.files = files;
  return { package: found, problems };
}

function parseHeader(blob: Uint8Array): Header | string {
  if (blob.length < INTRO_SIZE) return `the header is ${blob.length} bytes, shorter than its 8-byte intro`;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const entryCount = view.getUint32(0);
  const dataLength = view.getUint32(4);
  if (entryCount === 0 || entryCount > MAX_ENTRIES) return `the header claims ${entryCount} index entries`;
  if (dataLength > MAX_DATA_LENGTH) return `the header claims ${dataLength} bytes of data`;
  const dataStart = INTRO_SIZE + entryCount * ENTRY_SIZE;
  if (dataStart + dataLength > blob.length) {
    return `the header is truncated: it needs ${dataStart + dataLength} bytes, the record holds ${blob.length}`;
  }
  const entries = new Map<number, IndexEntry>();
  for (let at = INTRO_SIZE; at < dataStart; at += ENTRY_SIZE) {
    // Later entries win: rpm appends entries changed after install ("dribbles") after the original ones.
    entries.set(view.getInt32(at), { type: view.getUint32(at + 4), offset: view.getInt32(at + 8), count: view.getUint32(at + 12) });
  }
  return { entries, data: blob.subarray(dataStart, dataStart + dataLength) };
}

/** `[epoch:]version-release`, the epoch only when the header has one (as rpm's own %{EVR} shows it). */
function versionOf(header: Header): string {
  const epoch = readInt32s(header, TAG.epoch)?.[0];
  const versionRelease = [readString(header, TAG.version) ?? "", readString(header, TAG.release) ?? ""].filter(Boolean).join("-");
  return epoch === undefined ? versionRelease : `${epoch}:${versionRelease}`;
}

/** The entry for `tag` if it has one of `types` and starts inside the data store. */
function entryOf(header: Header, tag: number, types: readonly number[]): IndexEntry | undefined {
  const entry = header.entries.get(tag);
  if (!entry || !types.includes(entry.type) || entry.count === 0) return undefined;
  return entry.offset >= 0 && entry.offset < header.data.length ? entry : undefined;
}

/** `count` NUL-terminated strings from `offset`, or undefined if they run past the data store. */
function stringsAt(data: Uint8Array, offset: number, count: number): string[] | undefined {
  // Each string takes at least its NUL: a count larger than the bytes left is a lie, and would loop long.
  if (count > data.length - offset) return undefined;
  const strings: string[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    const end = data.indexOf(0, at);
    if (end < 0) return undefined;
    strings.push(utf8.decode(data.subarray(at, end)));
    at = end + 1;
  }
  return strings;
}

function readString(header: Header, tag: number): string | undefined {
  const entry = entryOf(header, tag, [TYPE.string, TYPE.i18nString]);
  // An i18n string holds one string per locale; the first is the untranslated one.
  return entry && stringsAt(header.data, entry.offset, 1)?.[0];
}

function readStrings(header: Header, tag: number): string[] | undefined {
  const entry = entryOf(header, tag, [TYPE.stringArray]);
  return entry && stringsAt(header.data, entry.offset, entry.count);
}

function readInt32s(header: Header, tag: number): number[] | undefined {
  const entry = entryOf(header, tag, [TYPE.int32]);
  if (!entry || entry.count > (header.data.length - entry.offset) / 4) return undefined;
  const view = new DataView(header.data.buffer, header.data.byteOffset + entry.offset, entry.count * 4);
  return Array.from({ length: entry.count }, (_, i) => view.getInt32(i * 4));
}

/** The file list: directory + base name pairs (rpm ≥ 4.0), else the old full-path list; or what is wrong. */
function readFiles(header: Header): string[] | string {
  if (header.entries.has(TAG.baseNames)) {
    const baseNames = readStrings(header, TAG.baseNames);
    const dirNames = readStrings(header, TAG.dirNames);
    const dirIndexes = readInt32s(header, TAG.dirIndexes);
    if (!baseNames || !dirNames || !dirIndexes) return "its file list (base names, directories, directory indexes) is unreadable";
    if (dirIndexes.length !== baseNames.length) return `its file list has ${baseNames.length} base names but ${dirIndexes.length} directory indexes`;
    const paths: string[] = [];
    for (const [i, baseName] of baseNames.entries()) {
      const dirName = dirNames[dirIndexes[i] as number];
      if (dirName === undefined) return `its file list points at directory ${dirIndexes[i]} of ${dirNames.length}`;
      paths.push(dirName + baseName);
    }
    return unique(paths);
  }
  if (!header.entries.has(TAG.oldFilenames)) return [];
  const oldFilenames = readStrings(header, TAG.oldFilenames);
  return oldFilenames ? unique(oldFilenames) : "its file list (old file names) is unreadable";
}

const unique = (paths: string[]) => [...new Set(paths)];
