import type { EntryType, LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { cleanPath, whiteoutOf } from "@/lib/core/paths";
import { capabilityText } from "@/lib/layer/capability";
import { readTar, type TarHeader } from "@/lib/layer/tar";

/**
 * A layer's tar entries as LayerEntries, from its decompressed bytes, whatever feeds them: the
 * server pipes a registry blob through Node streams (read.ts), the browser a File through Web
 * streams in a worker (lib/local). Everything here is the same on both sides: the tar rules
 * (tar.ts), the names, whiteouts, capabilities, limits, per-file digests and the errors.
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

/**
 * sha256 for files' digests: one call for a file whose bytes arrive in one piece (most files in
 * entry-heavy layers are small, and a hash object per file costs three times the hashing), an
 * incremental hash for the rest.
 */
export interface FileHasher {
  create(): IncrementalHash;
  /** The hex digest of bytes that are all there is. */
  whole(bytes: Uint8Array): string;
}

export interface LayerItem {
  entry: LayerEntry;
  /** The entry's bytes (already read if a sink took them); left unread, they are skipped. */
  content: AsyncIterable<Uint8Array>;
}

/** Typeflags as entry types; others (GNU volume labels, sparse files, …) are not in the filesystem. */
const TYPES: Record<string, EntryType> = {
  "0": "file",
  "7": "file",
  "5": "dir",
  "2": "symlink",
  "1": "hardlink",
  "3": "char",
  "4": "block",
  "6": "fifo",
};

/** A tar header as a LayerEntry: its path cleaned, whiteouts flagged; null for types the filesystem has not. */
export function toEntry(header: TarHeader): LayerEntry | null {
  const type = TYPES[header.type];
  if (!type) return null;
  const path = cleanPath(header.name);
  const entry: LayerEntry = {
    path,
    type,
    // What a file holds: the size fields of links, directories and devices say nothing (Go reads no data for them).
    size: type === "file" ? header.size : 0,
    mode: header.mode,
    uid: header.uid,
    gid: header.gid,
    mtime: header.mtime,
  };
  if (type === "file" && entry.size > 0 && header.offset > 0) entry.offset = header.offset;
  if (header.linkname && (type === "symlink" || type === "hardlink")) {
    entry.linkname = type === "hardlink" ? cleanPath(header.linkname) : header.linkname;
  }
  if (header.capability) entry.capability = capabilityText(header.capability);
  const marker = whiteoutOf(path);
  // `.wh..` and `.wh...` name their own directory or its parent, as Docker's filepath.Join reads them.
  if (marker?.kind === "whiteout") Object.assign(entry, { path: cleanPath(marker.target), whiteout: true });
  if (marker?.kind === "opaque") Object.assign(entry, { path: marker.dir, opaque: true });
  return entry;
}

/**
 * The entries of a decompressed tar stream, in tar order and in readTar's batches, each given to
 * its sink (if `sinkFor` gives one) before its batch is yielded; the bytes of an entry the caller
 * leaves unread are skipped. Only a batch's last item may have content still to come: it must be
 * read (or left) before the next batch.
 */
export async function* tarItems(tar: AsyncIterable<Uint8Array>, maxEntries: number, sinkFor?: SinkFor): AsyncGenerator<LayerItem[]> {
  let count = 0;
  for await (const members of readTar(tar)) {
    const items: LayerItem[] = [];
    try {
      for (const { header, data } of members) {
        if (++count > maxEntries) throw new PortholeError("TOO_LARGE", `the layer has more than ${maxEntries} entries`);
        const entry = toEntry(header);
        if (!entry) continue;
        const sink = sinkFor?.(entry);
        if (sink) {
          if (data.whole) sink.write(data.whole);
          else await data.each((chunk) => sink.write(chunk));
          sink.end();
        }
        items.push({ entry, content: data });
      }
    } catch (error) {
      // The entries before the failure were read whole: they are listed, then the layer fails.
      if (items.length) yield items;
      throw error;
    }
    if (items.length) yield items;
  }
}

/** sha256 of no bytes: empty files (many in some layers) need no hashing and no wait for their bytes. */
export const EMPTY_DIGEST = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** A regular file's content digest, set on its entry once its bytes went by. */
export function fileDigest(entry: LayerEntry, hasher: FileHasher): ContentSink | null {
  if (entry.type !== "file" || entry.whiteout || entry.opaque) return null;
  if (entry.size === 0) {
    entry.digest = EMPTY_DIGEST;
    return null;
  }
  // The first piece is kept (a view of a chunk no one writes to) until a second one shows the file comes in pieces.
  let first: Uint8Array | null = null;
  let hash: IncrementalHash | null = null;
  return {
    write: (chunk) => {
      if (hash) return hash.update(chunk);
      if (!first) return void (first = chunk);
      hash = hasher.create();
      hash.update(first);
      hash.update(chunk);
    },
    end: () => {
      entry.digest = `sha256:${hash ? hash.hex() : hasher.whole(first ?? new Uint8Array(0))}`;
    },
  };
}

/** Per-file digests, and whatever else `alsoSink` reads of an entry, in the one pass. */
export function digestSinks(hasher: FileHasher, alsoSink?: SinkFor): SinkFor {
  return alsoSink ? (entry) => bothSinks(fileDigest(entry, hasher), alsoSink(entry)) : (entry) => fileDigest(entry, hasher);
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
  return new PortholeError("UPSTREAM_INVALID", `the layer could not be read (${message})`, { cause: error });
}
