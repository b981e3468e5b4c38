import "server-only";
import { createHash, type Hash } from "node:crypto";
import { Readable, pipeline } from "node:stream";
import type { LayerEntry } from "@/lib/core/api-types";
import { LayerDecoder } from "@/lib/layer/decode";
import { asLayerError, checkDigest, digestSinks, tarItems, type IncrementalHash, type LayerItem, type SinkFor } from "@/lib/layer/entries";
import type { BuiltSeekIndex } from "@/lib/layer/seek/protocol";
import { rawPaxExtract } from "@/lib/layer/pax";

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
}

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
      checkDigest(what, digest, `${algorithm}:${hash.digest("hex")}`);
    },
  };
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
  try {
    yield* tarItems(extract, limits.maxEntries, sinkFor);
    await finished;
    if (streamError) throw streamError;
    compressed.check("layer digest");
    uncompressed.check("layer diff_id");
    const index = options.seek ? decoder.seekIndex : null;
    if (index) options.seek?.onIndex(index);
  } catch (error) {
    throw asLayerError(streamError ?? error);
  } finally {
    if (!extract.destroyed) {
      body.destroy();
      extract.destroy();
    }
  }
}

/** node:crypto's sha256, for the per-file digests. */
const sha256 = (): IncrementalHash => {
  const hash = createHash("sha256");
  return { update: (chunk) => hash.update(chunk), hex: () => hash.digest("hex") };
};

/**
 * The entries of a layer, each regular file with the sha256 `digest` of its bytes (hashed in the
 * same single pass), with the same end-of-stream guarantees.
 */
export async function* listLayer(body: Readable, options: LayerReadOptions = {}, alsoSink?: SinkFor): AsyncGenerator<LayerEntry> {
  for await (const { entry } of readLayer(body, options, digestSinks(sha256, alsoSink))) yield entry;
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
