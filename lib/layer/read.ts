import "server-only";
import { createHash, hash as hashOnce, type Hash } from "node:crypto";
import { Readable, pipeline } from "node:stream";
import type { LayerEntry } from "@/lib/core/api-types";
import { LayerDecoder } from "@/lib/layer/decode";
import { asLayerError, checkDigest, digestSinks, tarItems, type FileHasher, type LayerItem, type SinkFor } from "@/lib/layer/entries";
import type { BuiltSeekIndex } from "@/lib/layer/seek/protocol";

export type { ContentSink, SinkFor } from "@/lib/layer/entries";

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
  seek?: { span: number; onIndex(index: BuiltSeekIndex): void };
  /** Inflate a gzip layer in a worker thread (as `seek` does) even without indexing it: off the event loop. */
  inflateAside?: boolean;
}

/** A hash for what `digest` names (sha256 or sha512), and the digest it gave, in the same form. */
function digestOf(digest: string): { hash: Hash; actual(): string } {
  const algorithm = digest.startsWith("sha512:") ? "sha512" : "sha256";
  const hash = createHash(algorithm);
  return { hash, actual: () => `${algorithm}:${hash.digest("hex")}` };
}

/**
 * Hashes what flows through `stream` by listening alongside the pipe (no extra stream hop: the
 * pipe's backpressure pauses both). Attach it in the same tick as the pipe, before data flows.
 */
function watchDigest(stream: Readable, digest: string | null | undefined): { check(what: string): void } {
  if (!digest) return { check() {} };
  const watched = digestOf(digest);
  stream.on("data", (chunk: Buffer) => watched.hash.update(chunk));
  return { check: (what) => checkDigest(what, digest, watched.actual()) };
}

/**
 * Streams a layer's tar entries in order, in batches (tarItems'), with backpressure and bounded memory, whatever its size.
 * The generator only finishes normally once the whole stream was read, was a valid archive, and
 * matched `digest` and `diffId`; otherwise it throws at the point of failure (after the entries
 * already yielded), so a partial listing can never pass for a complete one. Stopping early (e.g.
 * after finding one file) destroys the download. An entry `sinkFor` gives a sink is yielded once
 * the sink read all its bytes.
 */
export async function* readLayer(body: Readable, options: LayerReadOptions = {}, sinkFor?: SinkFor): AsyncGenerator<LayerItem[]> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const decoder = new LayerDecoder(limits.maxBytes, options.seek?.span ?? null, options.inflateAside ?? false);
  let streamError: unknown = null;
  // The decoder is read as an async iterable: errors of the body (a dropped download) reach it through the pipeline.
  pipeline(body, decoder, (error) => {
    if (error) streamError ??= error;
  });
  const compressed = watchDigest(body, options.digest);
  const diffId = options.diffId ?? null;
  const uncompressed = diffId ? digestOf(diffId) : null;
  // A sha256 diff_id of a layer inflated in a worker is hashed there, off the event loop.
  const hashedAside = () => decoder.hashesOutput && diffId?.startsWith("sha256:");
  const tar = uncompressed ? hashing(decoder, (chunk) => hashedAside() || uncompressed.hash.update(chunk)) : (decoder as AsyncIterable<Uint8Array>);
  try {
    yield* tarItems(tar, limits.maxEntries, sinkFor);
    if (streamError) throw streamError;
    compressed.check("layer digest");
    if (diffId && uncompressed) checkDigest("layer diff_id", diffId, hashedAside() ? `sha256:${decoder.outputSha256}` : uncompressed.actual());
    const index = options.seek ? decoder.seekIndex : null;
    if (index) options.seek?.onIndex(index);
  } catch (error) {
    throw asLayerError(streamError ?? error);
  } finally {
    if (!decoder.destroyed) {
      body.destroy();
      decoder.destroy();
    }
  }
}

/** The chunks of `source`, each seen by `hash` on the way. */
async function* hashing(source: AsyncIterable<Uint8Array>, hash: (chunk: Uint8Array) => unknown): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    hash(chunk);
    yield chunk;
  }
}

/** node:crypto's sha256, for the per-file digests. */
const sha256: FileHasher = {
  create: () => {
    const hash = createHash("sha256");
    return { update: (chunk) => hash.update(chunk), hex: () => hash.digest("hex") };
  },
  whole: (bytes) => hashOnce("sha256", bytes, "hex"),
};

/**
 * The entries of a layer, in batches as they stream, each regular file with the sha256 `digest` of
 * its bytes (hashed in the same single pass), with the same end-of-stream guarantees.
 */
export async function* listLayer(body: Readable, options: LayerReadOptions = {}, alsoSink?: SinkFor): AsyncGenerator<LayerEntry[]> {
  for await (const items of readLayer(body, options, digestSinks(sha256, alsoSink))) yield items.map((item) => item.entry);
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
  const batches = readLayer(body, options);
  let seen = 0;
  for (;;) {
    const next = await batches.next();
    if (next.done) return null;
    const item = next.value[ordinal - seen];
    seen += next.value.length;
    if (!item) continue;
    // Reading the entry to its end (or abandoning it) ends the walk and the download.
    const stream = Readable.from(item.content, { objectMode: false });
    stream.once("close", () => void batches.return(undefined));
    return { entry: item.entry, content: stream };
  }
}
