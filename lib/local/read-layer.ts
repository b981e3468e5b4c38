import type { LayerEntry } from "@/lib/core/api-types";
import { concatBytes } from "@/lib/core/bytes";
import { PortholeError } from "@/lib/core/errors";
import { asLayerError, checkDigest, digestSinks, tarItems, type LayerItem, type SinkFor } from "@/lib/layer/entries";
import { decompressed } from "@/lib/local/decompress";
import { browserFileHasher, digestHash } from "@/lib/local/hash";

/** As the server's limits (lib/layer/read.ts DEFAULT_LIMITS): past them a layer is a bomb. */
const MAX_BYTES = 64 * 1024 ** 3;
const MAX_ENTRIES = 5_000_000;

/** What a layer's bytes must hash to: as stored (its blob digest), and uncompressed (its diff_id). */
export interface LayerCheck {
  digest?: string;
  diffId?: string | null;
}

/**
 * The browser's readLayer: a layer's tar entries from its stored bytes (a slice of the File the
 * user opened), decompressed with the browser's own gzip or fzstd, read by the same tar rules and
 * entry rules as the server. Bounded memory whatever the size (each chunk is pulled when the last
 * is read); ends normally only once the layer was read whole and matched its digest and diff_id.
 */
export async function* readLayerStream(body: ReadableStream<Uint8Array>, check: LayerCheck, sinkFor?: SinkFor): AsyncGenerator<LayerItem[]> {
  const stored = check.digest ? digestHash(check.digest) : null;
  // An uncompressed layer's digest is its diff_id: its bytes are hashed once.
  const tar = check.diffId && check.diffId !== check.digest ? digestHash(check.diffId) : null;
  const chunks = (async function* () {
    for await (const chunk of decompressed(body, MAX_BYTES, (bytes) => stored?.hash.update(bytes))) {
      tar?.hash.update(chunk);
      yield chunk;
    }
  })();
  try {
    yield* tarItems(chunks, MAX_ENTRIES, sinkFor);
    if (check.digest && stored) checkDigest("layer digest", check.digest, stored.actual());
    if (check.diffId && tar) checkDigest("layer diff_id", check.diffId, tar.actual());
  } catch (error) {
    throw asLayerError(error);
  } finally {
    await chunks.return(undefined);
    await body.cancel().catch(() => undefined);
  }
}

/** The entries of a layer in batches, each regular file with its sha256 `digest`, as the server's listLayer. */
export async function* listLayerStream(body: ReadableStream<Uint8Array>, check: LayerCheck, alsoSink?: SinkFor): AsyncGenerator<LayerEntry[]> {
  for await (const items of readLayerStream(body, check, digestSinks(browserFileHasher, alsoSink))) yield items.map((item) => item.entry);
}

/** `length` bytes from `offset` of one entry's content, reading the layer only up to them. */
export async function entryPart(body: ReadableStream<Uint8Array>, ordinal: number, offset: number, length: number): Promise<Uint8Array> {
  let seen = 0;
  for await (const items of readLayerStream(body, {})) {
    const content = items[ordinal - seen]?.content;
    seen += items.length;
    if (!content) continue;
    const parts: Uint8Array[] = [];
    let at = 0;
    for await (const chunk of content) {
      const from = Math.max(offset - at, 0);
      const to = Math.min(offset + length - at, chunk.length);
      if (to > from) parts.push(chunk.slice(from, to));
      at += chunk.length;
      if (at >= offset + length) break;
    }
    return concatBytes(parts);
  }
  throw new PortholeError("NOT_FOUND", "the layer has fewer entries than its listing");
}
