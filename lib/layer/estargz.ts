import "server-only";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import type { LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { nameOfBytes } from "@/lib/core/names";
import { EMPTY_DIGEST, toEntry } from "@/lib/layer/entries";
import type { TarHeader } from "@/lib/layer/tar";

/**
 * eStargz (stargz-snapshotter's estargz.md): a gzip layer whose files each start a gzip member,
 * ending with a table of contents (`stargz.index.json`, its own member, past the tar's end) and a
 * 51-byte footer member whose gzip extra field holds the TOC's offset as `%016xSTARGZ`.
 */
export const FOOTER_BYTES = 51;
const TOC_NAME = "stargz.index.json";
/** A table of contents larger than this is refused: a real one for a million files is far smaller. */
const MAX_TOC_BYTES = 256 * 1024 * 1024;

/** One TOC entry, as estargz writes it (fields this reader uses). */
interface TocEntry {
  name: string;
  type: "dir" | "reg" | "symlink" | "hardlink" | "char" | "block" | "fifo" | "chunk";
  size?: number;
  modtime?: string;
  linkName?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  digest?: string;
  offset?: number;
  innerOffset?: number;
  chunkOffset?: number;
  chunkSize?: number;
  chunkDigest?: string;
}

/** Where one piece of a file's bytes is: a gzip member from `from` (to before `to`), `size` bytes after `skip`. */
export interface Chunk {
  from: number;
  to: number;
  skip: number;
  /** The piece's offset in its file. */
  at: number;
  size: number;
  sha256: string;
}

/** A layer as its TOC describes it: the entries in tar order, and each regular file's chunks by entry ordinal. */
export interface TocListing {
  entries: LayerEntry[];
  chunks: Record<number, Chunk[]>;
}

/** The TOC's offset in the blob, from the footer; null when these bytes are not an eStargz footer. */
export function tocOffset(footer: Buffer): number | null {
  if (footer.length !== FOOTER_BYTES || footer[0] !== 0x1f || footer[1] !== 0x8b || !((footer[3] as number) & 0x04)) return null;
  const extra = footer.subarray(12, 12 + footer.readUInt16LE(10));
  if (extra.toString("latin1", 0, 2) !== "SG" || extra.readUInt16LE(2) !== 22) return null;
  const found = /^([0-9a-f]{16})STARGZ$/.exec(extra.toString("latin1", 4, 26));
  return found ? parseInt(found[1] as string, 16) : null;
}

/**
 * The TOC from its gzip member (a tar header and the JSON), checked against the digest the
 * manifest's annotation gives: the TOC is the layer's word on itself, trusted only that way.
 */
export function readToc(member: Buffer, tocDigest: string): TocEntry[] {
  const tar = gunzipSync(member, { maxOutputLength: MAX_TOC_BYTES });
  const name = tar.toString("latin1", 0, 100).replace(/\0.*$/s, "");
  const size = parseInt(tar.toString("latin1", 124, 136).replace(/\0.*$/s, "").trim(), 8);
  if (name !== TOC_NAME || !Number.isSafeInteger(size) || 512 + size > tar.length) {
    throw new PortholeError("UPSTREAM_INVALID", "the eStargz footer does not point at a table of contents");
  }
  const json = tar.subarray(512, 512 + size);
  const actual = `sha256:${createHash("sha256").update(json).digest("hex")}`;
  if (actual !== tocDigest)
    throw new PortholeError("UPSTREAM_INVALID", `the eStargz table of contents does not match its digest (${actual}, expected ${tocDigest})`);
  const toc = JSON.parse(json.toString("utf8")) as { version?: number; entries?: TocEntry[] };
  if (toc.version !== 1 || !Array.isArray(toc.entries))
    throw new PortholeError("UNSUPPORTED", `eStargz table of contents version ${toc.version} is not supported`);
  return toc.entries;
}

/** TOC entry types as the typeflags they stand for. */
const HEADER_TYPES: Record<Exclude<TocEntry["type"], "chunk">, string> = {
  dir: "5",
  reg: "0",
  symlink: "2",
  hardlink: "1",
  char: "3",
  block: "4",
  fifo: "6",
};

const utf8 = new TextEncoder();

/** A TOC entry as the tar header it stands for, so it goes through the same rules (names, whiteouts) as a listing. */
function asHeader(entry: TocEntry): TarHeader {
  const type = HEADER_TYPES[entry.type as keyof typeof HEADER_TYPES];
  if (!type) throw new PortholeError("UPSTREAM_INVALID", `unknown eStargz entry type ${JSON.stringify(entry.type)}`);
  return {
    // TOC names are the tar's names as text: made into name strings as the tar's bytes would be.
    name: nameOfBytes(utf8.encode(entry.name)),
    type,
    size: entry.type === "reg" ? (entry.size ?? 0) : 0,
    mode: entry.mode ?? 0,
    uid: entry.uid ?? 0,
    gid: entry.gid ?? 0,
    mtime: Math.floor(new Date(entry.modtime ?? 0).getTime() / 1000),
    linkname: nameOfBytes(utf8.encode(entry.linkName ?? "")),
    // A TOC listing holds no data offsets: its files are read by their chunks.
    offset: 0,
  };
}

/** The layer's entries and file chunks from its TOC; `tocAt` ends the last chunk. */
export function tocListing(toc: TocEntry[], tocAt: number): TocListing {
  const starts = [...new Set(toc.flatMap((entry) => (typeof entry.offset === "number" && entry.offset > 0 ? [entry.offset] : [])))].sort(
    (a, b) => a - b,
  );
  const memberEnd = (from: number) => starts.find((start) => start > from) ?? tocAt;
  const entries: LayerEntry[] = [];
  const chunks: Record<number, Chunk[]> = {};
  for (const item of toc) {
    if (item.type === "chunk") {
      chunks[entries.length - 1]?.push(chunkOf(item, memberEnd));
      continue;
    }
    const entry = toEntry(asHeader(item));
    if (!entry) continue;
    if (entry.type === "file" && !entry.whiteout && !entry.opaque) {
      const digest = entry.size === 0 ? EMPTY_DIGEST : item.digest;
      if (digest) entry.digest = digest;
      if (entry.size > 0) chunks[entries.length] = [chunkOf(item, memberEnd)];
    }
    entries.push(entry);
  }
  return { entries, chunks };
}

function chunkOf(item: TocEntry, memberEnd: (from: number) => number): Chunk {
  const from = item.offset ?? 0;
  return {
    from,
    to: memberEnd(from),
    skip: item.innerOffset ?? 0,
    at: item.chunkOffset ?? 0,
    size: item.chunkSize || (item.size ?? 0) - (item.chunkOffset ?? 0),
    sha256: item.chunkDigest ?? item.digest ?? "",
  };
}
