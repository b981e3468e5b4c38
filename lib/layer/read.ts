import "server-only";
import { createHash, type Hash } from "node:crypto";
import { Readable, pipeline } from "node:stream";
import type { ExtractEvents, Header } from "tar-stream";
import type { EntryType, LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { capabilityText } from "@/lib/layer/capability";
import { LayerDecoder } from "@/lib/layer/decode";
import type { GzipSeekIndex } from "@/lib/layer/seek/indexing-gunzip";
import { pastEndOfArchive, rawCapability, rawPaxExtract } from "@/lib/layer/pax";
import { nameFromBytes } from "@/lib/core/names";
import { cleanPath, whiteoutOf } from "@/lib/core/paths";

export interface LayerLimits {
  /** Uncompressed bytes: beyond this the layer is treated as a decompression bomb. */
  maxBytes: number;
  maxEntries: number;
}

export const DEFAULT_LIMITS: LayerLimits = { maxBytes: 64 * 1024 ** 3, maxEntries: 5_000_000 };

export interface LayerReadOptions {
  /** The blob digest: verified over the compressed bytes at the end of the stream. */
  digest?: string;
  /** The config's diff_id: verified over the uncompressed tar at the end of the stream. */
  diffId?: string | null;
  limits?: Partial<LayerLimits>;
  /**
   * Index a gzip layer for random access on the way (a checkpoint every `span` uncompressed bytes):
   * `onIndex` gets the index once the whole layer was read and verified.
   */
  seek?: { span: number; onIndex(index: GzipSeekIndex): void };
}

export interface LayerItem {
  entry: LayerEntry;
  /** The entry's bytes (already read if a sink took them); left unread, they are skipped. */
  content: AsyncIterable<Buffer>;
}

/**
 * Reads one entry's bytes as the layer streams by. A layer is read once, so this is the only look
 * at them: whatever needs a file's content (its digest; small files kept whole) takes it here.
 */
export interface ContentSink {
  write(chunk: Buffer): void;
  /** Every byte of the entry went through `write`. */
  end(): void;
}

/** What reads an entry's bytes before it is yielded, or null to leave them to the caller. */
export type SinkFor = (entry: LayerEntry) => ContentSink | null;

type TarEntry = ExtractEvents["entry"][1];

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
 * Hashes what flows through `stream` by listening alongside the pipe (no extra stream hop: the
 * pipe's backpressure pauses both). Attach it in the same tick as the pipe, before data flows.
 */
function watchDigest(stream: Readable, digest: string | null | undefined): { check(what: string): void } {
  if (!digest) return { check() {} };
  const algorithm = digest.startsWith("sha512:") ? "sha512" : "sha256";
  const hash: Hash = createHash(algorithm);
  stream.on("data", (chunk: Buffer) => hash.update(chunk));
  return {
    check(what) {
      const actual = `${algorithm}:${hash.digest("hex")}`;
      if (actual !== digest) throw new PortholeError("UPSTREAM_INVALID", `${what} mismatch: expected ${digest}, got ${actual}`);
    },
  };
}

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
function pour(content: TarEntry, sink: ContentSink): Promise<void> {
  return new Promise((resolve, reject) => {
    let ended = false;
    content.on("data", (chunk) => sink.write(chunk as Buffer));
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

/** sha256 of no bytes: empty files (many in some layers) need no hashing and no wait for their bytes. */
const EMPTY_DIGEST = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** A regular file's content digest, set on its entry once its bytes went by. */
function fileDigest(entry: LayerEntry): ContentSink | null {
  if (entry.type !== "file" || entry.whiteout || entry.opaque) return null;
  if (entry.size === 0) {
    entry.digest = EMPTY_DIGEST;
    return null;
  }
  const hash = createHash("sha256");
  return {
    write: (chunk) => hash.update(chunk),
    end: () => {
      entry.digest = `sha256:${hash.digest("hex")}`;
    },
  };
}

function asLayerError(error: unknown): PortholeError {
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

/**
 * Streams a layer's tar entries in order, with backpressure and bounded memory, whatever its size.
 * The generator only finishes normally once the whole stream was read, was a valid archive, and
 * matched `digest` and `diffId`; otherwise it throws at the point of failure (after the entries
 * already yielded), so a partial listing can never pass for a complete one. Stopping early (e.g.
 * after finding one file) destroys the download. An entry `sinkFor` gives a sink is yielded once
 * the sink read all its bytes.
 */
export async function* readLayer(body: Readable, options: LayerReadOptions = {}, sinkFor?: SinkFor): AsyncGenerator<LayerItem> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const decoder = new LayerDecoder(limits.maxBytes, options.seek?.span ?? null);
  // latin1 keeps every name byte; nameFromBytes decides how to read them. v7 tars lack the ustar magic.
  const extract = rawPaxExtract({ filenameEncoding: "latin1", allowUnknownFormat: true });
  let streamError: unknown = null;
  const finished = new Promise<void>((resolve) =>
    pipeline(body, decoder, extract, (error) => {
      if (error) streamError = error;
      resolve();
    }),
  );
  const compressed = watchDigest(body, options.digest);
  const uncompressed = watchDigest(decoder, options.diffId);
  let count = 0;
  try {
    for await (const content of extract) {
      if (++count > limits.maxEntries) throw new PortholeError("TOO_LARGE", `the layer has more than ${limits.maxEntries} entries`);
      // Past the end-of-archive marker nothing is in the filesystem; the bytes are still read and verified.
      const entry = pastEndOfArchive(extract, content.header) ? null : toEntry(content.header);
      if (entry) {
        const sink = sinkFor?.(entry);
        if (sink) await pour(content, sink);
        yield { entry, content: content as AsyncIterable<Buffer> };
      }
      content.resume();
    }
    await finished;
    if (streamError) throw streamError;
    compressed.check("layer digest");
    uncompressed.check("layer diff_id");
    if (options.seek && decoder.gzipIndex) options.seek.onIndex(decoder.gzipIndex);
  } catch (error) {
    throw asLayerError(streamError ?? error);
  } finally {
    if (!extract.destroyed) {
      body.destroy();
      extract.destroy();
    }
  }
}

/**
 * The entries of a layer, each regular file with the sha256 `digest` of its bytes (hashed in the
 * same single pass), with the same end-of-stream guarantees.
 */
export async function* listLayer(body: Readable, options: LayerReadOptions = {}, alsoSink?: SinkFor): AsyncGenerator<LayerEntry> {
  const sinkFor: SinkFor = alsoSink ? (entry) => bothSinks(fileDigest(entry), alsoSink(entry)) : fileDigest;
  for await (const { entry } of readLayer(body, options, sinkFor)) yield entry;
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

/**
 * Streams the bytes of the entry at position `ordinal` (0-based, counting every tar entry the
 * listing shows) without buffering it; the download stops once that entry has been read. Which
 * ordinal to open comes from a listing: within a layer the last entry for a path wins.
 */
export async function openLayerEntry(
  body: Readable,
  ordinal: number,
  options: LayerReadOptions = {},
): Promise<{ entry: LayerEntry; content: Readable } | null> {
  const items = readLayer(body, options);
  let seen = 0;
  for (;;) {
    const next = await items.next();
    if (next.done) return null;
    if (seen++ !== ordinal) continue;
    const { entry, content } = next.value;
    // Reading the entry to its end (or abandoning it) ends the walk and the download.
    const stream = Readable.from(content, { objectMode: false });
    stream.once("close", () => void items.return(undefined));
    return { entry, content: stream };
  }
}
