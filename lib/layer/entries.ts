import type { Extract, ExtractEvents, Header } from "tar-stream";
import type { EntryType, LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { nameFromBytes } from "@/lib/core/names";
import { cleanPath, whiteoutOf } from "@/lib/core/paths";
import { capabilityText } from "@/lib/layer/capability";
import { pastEndOfArchive, rawCapability } from "@/lib/layer/pax";

/**
 * A layer's tar entries as LayerEntries, from tar-stream's extractor, whatever feeds it: the
 * server pipes a registry blob through Node streams (read.ts), the browser a File through Web
 * streams in a worker (lib/local). Everything here is the same on both sides: the tar parsing, the
 * names, whiteouts, capabilities, limits, per-file digests and the errors.
 */

/**
 * Reads one entry's bytes as the layer streams by. A layer is read once, so this is the only look
 * at them: whatever needs a file's content (its digest; small files kept whole) takes it here.
 */
export interface ContentSink {
  write(chunk: Uint8Array): void;
  /** Every byte of the entry went through `write`. */
  end(): void;
}

/** What reads an entry's bytes before it is yielded, or null to leave them to the caller. */
export type SinkFor = (entry: LayerEntry) => ContentSink | null;

/** An incremental hash: node:crypto on the server, a pure-JS one in the browser. */
export interface IncrementalHash {
  update(chunk: Uint8Array): void;
  /** The digest in lowercase hex; called once, at the end. */
  hex(): string;
}

/** tar-stream's stream of one entry's bytes. */
type EntryStream = ExtractEvents["entry"][1];

export interface LayerItem {
  entry: LayerEntry;
  /** The entry's bytes (already read if a sink took them); left unread, they are skipped. */
  content: AsyncIterable<Uint8Array>;
}

const TYPES: Record<string, EntryType> = {
  file: "file",
  "contiguous-file": "file",
  directory: "dir",
  symlink: "symlink",
  link: "hardlink",
  "character-device": "char",
  "block-device": "block",
  fifo: "fifo",
};

/**
 * tar-stream reads a numeric field it cannot parse as NaN (bad octal) or null (bad base-256), and
 * would wait forever for the data of an entry whose size is null. Runtimes refuse such headers too.
 */
function headerNumber(value: number | null | undefined, field: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  throw new PortholeError("UPSTREAM_INVALID", `the layer is not a valid tar archive (a header's ${field} field is not a number)`);
}

/** A tar header as a LayerEntry: names decoded (PAX names are UTF-8 already), cleaned, whiteouts flagged. */
export function toEntry(header: Header): LayerEntry | null {
  const type = TYPES[header.type ?? "file"];
  if (!type) return null;
  const pax = header.pax as Record<string, string> | null | undefined;
  const raw = pax?.path !== undefined ? header.name : nameFromBytes(header.name);
  const path = cleanPath(raw);
  const entry: LayerEntry = {
    path,
    type,
    size: headerNumber(header.size, "size"),
    mode: headerNumber(header.mode, "mode"),
    uid: headerNumber(header.uid, "uid"),
    gid: headerNumber(header.gid, "gid"),
    mtime: header.mtime ? Math.floor(headerNumber(header.mtime.getTime(), "mtime") / 1000) : 0,
  };
  // tar-stream records where an entry's data starts in the tar stream (not in its typings).
  const offset = (header as Header & { byteOffset?: number }).byteOffset;
  if (type === "file" && entry.size > 0 && typeof offset === "number") entry.offset = offset;
  if (header.linkname && (type === "symlink" || type === "hardlink")) {
    const link = pax?.linkpath !== undefined ? header.linkname : nameFromBytes(header.linkname);
    entry.linkname = type === "hardlink" ? cleanPath(link) : link;
  }
  const capability = rawCapability(header);
  if (capability) entry.capability = capabilityText(capability);
  const marker = whiteoutOf(path);
  // `.wh..` and `.wh...` name their own directory or its parent, as Docker's filepath.Join reads them.
  if (marker?.kind === "whiteout") Object.assign(entry, { path: cleanPath(marker.target), whiteout: true });
  if (marker?.kind === "opaque") Object.assign(entry, { path: marker.dir, opaque: true });
  return entry;
}

/** Feeds an entry's bytes to `sink` as they arrive; rejects if the entry is cut short (the layer failed). */
function pour(content: EntryStream, sink: ContentSink): Promise<void> {
  return new Promise((resolve, reject) => {
    let ended = false;
    content.on("data", (chunk) => sink.write(chunk as Uint8Array));
    content.once("end", () => {
      ended = true;
      sink.end();
      resolve();
    });
    content.once("error", reject);
    // Closing before the end means the entry was destroyed with the layer.
    content.once("close", () => ended || reject(new Error("premature close")));
  });
}

/**
 * The entries an extractor emits, in tar order, each given to its sink (if `sinkFor` gives one)
 * before it is yielded; the bytes of an entry the caller leaves unread are skipped. Entries past
 * the end-of-archive marker are read (they count for the digests) but are not in the filesystem.
 */
export async function* tarItems(
  extract: Extract & { endOfArchive: number | null },
  maxEntries: number,
  sinkFor?: SinkFor,
): AsyncGenerator<LayerItem> {
  let count = 0;
  for await (const content of extract) {
    if (++count > maxEntries) throw new PortholeError("TOO_LARGE", `the layer has more than ${maxEntries} entries`);
    const entry = pastEndOfArchive(extract, content.header) ? null : toEntry(content.header);
    if (entry) {
      const sink = sinkFor?.(entry);
      if (sink) await pour(content, sink);
      yield { entry, content: content as AsyncIterable<Uint8Array> };
    }
    content.resume();
  }
}

/** sha256 of no bytes: empty files (many in some layers) need no hashing and no wait for their bytes. */
export const EMPTY_DIGEST = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** A regular file's content digest, set on its entry once its bytes went by. */
export function fileDigest(entry: LayerEntry, newHash: () => IncrementalHash): ContentSink | null {
  if (entry.type !== "file" || entry.whiteout || entry.opaque) return null;
  if (entry.size === 0) {
    entry.digest = EMPTY_DIGEST;
    return null;
  }
  const hash = newHash();
  return {
    write: (chunk) => hash.update(chunk),
    end: () => {
      entry.digest = `sha256:${hash.hex()}`;
    },
  };
}

/** Per-file digests, and whatever else `alsoSink` reads of an entry, in the one pass. */
export function digestSinks(newHash: () => IncrementalHash, alsoSink?: SinkFor): SinkFor {
  return alsoSink ? (entry) => bothSinks(fileDigest(entry, newHash), alsoSink(entry)) : (entry) => fileDigest(entry, newHash);
}

/** One entry's bytes to two readers (its digest, and whatever else keeps them), or to the one there is. */
function bothSinks(first: ContentSink | null, second: ContentSink | null): ContentSink | null {
  if (!first || !second) return first ?? second;
  return {
    write: (chunk) => {
      first.write(chunk);
      second.write(chunk);
    },
    end: () => {
      first.end();
      second.end();
    },
  };
}

/** A layer's bytes (stored, or uncompressed) must hash to what the manifest and config say. */
export function checkDigest(what: string, expected: string, actual: string): void {
  if (actual !== expected) throw new PortholeError("UPSTREAM_INVALID", `${what} mismatch: expected ${expected}, got ${actual}`);
}

/** Any failure while reading a layer, as the PortholeError it is reported as. */
export function asLayerError(error: unknown): PortholeError {
  if (error instanceof PortholeError) return error;
  const message = (error as Error)?.message ?? String(error);
  if (/Unexpected end of data|premature close|aborted/i.test(message)) {
    return new PortholeError("UPSTREAM_INVALID", "the layer ended early: truncated download or archive", { cause: error });
  }
  if (/Invalid tar header|Header exceeds max size|Invalid header/i.test(message)) {
    return new PortholeError("UPSTREAM_INVALID", `the layer is not a valid tar archive (${message})`, { cause: error });
  }
  return new PortholeError("UPSTREAM_INVALID", `the layer could not be read (${message})`, { cause: error });
}
