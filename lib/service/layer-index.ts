import "server-only";
import { createReadStream } from "node:fs";
import { PassThrough, Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { constants, createGzip } from "node:zlib";
import type { LayerEntry } from "@/lib/core/api-types";
import { entryJson } from "@/lib/core/entry-json";
import type { NdjsonLines } from "@/lib/core/ndjson";
import { contentCache } from "@/lib/cache/content-cache";
import { Recent } from "@/lib/cache/recent";
import { SharedFlight } from "@/lib/cache/shared-flight";
import { Replay } from "@/lib/cache/replay";
import { onceAcrossInstances } from "@/lib/coord/lease";
import { PortholeError } from "@/lib/core/errors";
import { captureSinks, emptyCaptures, type LayerCaptures } from "@/lib/packages/captures";
import { parseCaptures, serializeCaptures } from "@/lib/service/stored-captures";
import { listLayer } from "@/lib/layer/read";
import { seekIndexing } from "@/lib/service/layer-seek";
import { tocEntries } from "@/lib/service/layer-toc";
import type { LayerSource } from "@/lib/service/layer-source";

/** The last line of a cached index: its presence proves the listing was complete and verified. */
interface IndexEnd {
  done: true;
  entries: number;
}

/** A batch of a layer's entries, with their lines of its listing (NDJSON, as the layer endpoint sends them and the index keeps them). */
export interface ListedBatch extends NdjsonLines {
  entries: LayerEntry[];
}

const listedBatch = (entries: LayerEntry[]): ListedBatch => ({
  entries,
  count: entries.length,
  bytes: Buffer.from(entries.map((entry) => `${entryJson(entry)}\n`).join("")),
});

const inFlight = new Map<string, Replay<ListedBatch>>();
/**
 * How much of a listing under way is kept for viewers who join it late (in bytes of its lines):
 * a listing past this streams to the viewers it has, and later ones read it from the cache once whole.
 */
const REPLAY_BUDGET = 4 * 2 ** 20;
/** gzip layers this big (compressed) are inflated in a worker thread: a thread costs less than what it takes off the event loop. */
const INFLATE_ASIDE_MIN_BYTES = 2 ** 20;
const gzipping = new SharedFlight<boolean>();
// v4: entries carry file capabilities and their data offsets (v3 was the first written with the layer's captures; v2 had content digests; v1 none).
export const layerIndexKey = (digest: string) => `layer-index:v4:${digest}`;
/** The same listing gzipped, as the layer endpoint sends it to clients that take gzip. */
export const gzippedIndexKey = (digest: string) => `layer-index-gzip:v4:${digest}`;
const capturesKey = (digest: string) => `layer-captures:v1:${digest}`;

/**
 * A layer's entries in batches, from wherever they are cheapest: the disk cache (a verified,
 * complete index keyed by digest: immutable), a listing already under way (N viewers, one
 * download), or a new download. A new download is indexed to the cache as it streams, and
 * committed only once the whole layer was read and verified. Callers must have proven access to
 * the repository.
 */
export async function* layerEntries(layer: LayerSource): AsyncGenerator<ListedBatch> {
  const cached = await contentCache().open(layerIndexKey(layer.digest));
  if (cached) {
    yield* readIndex(cached);
    return;
  }
  const replay = listing(layer);
  const reader = replay.reader();
  if (reader) return yield* reader;
  // Joined too late to be replayed from memory: the listing's error, or what it stored once whole.
  await replay.done();
  const stored = await cachedLayerIndex(layer.digest);
  if (stored) return yield* readIndex(stored);
  // Evicted already (a tiny cache): listed again, by a listing of its own.
  if (inFlight.get(layer.digest) === replay) inFlight.delete(layer.digest);
  yield* layerEntries(layer);
}

/** The one read of a layer under way, joined, or started. */
function listing(layer: LayerSource): Replay<ListedBatch> {
  let replay = inFlight.get(layer.digest);
  if (!replay) {
    replay = new Replay<ListedBatch>((batch) => batch.bytes.length, REPLAY_BUDGET);
    inFlight.set(layer.digest, replay);
    void produce(layer, replay).finally(() => inFlight.delete(layer.digest));
  }
  return replay;
}

/**
 * What the read of a layer kept besides its listing (package databases, Go build info): from the
 * cache, or by reading the layer once more when the cache lost them (an index alone cannot tell).
 */
export async function layerCaptures(layer: LayerSource): Promise<LayerCaptures> {
  // A listing under way (a viewer's layer stream) writes the captures when it ends: wait for it, not a second download.
  const underWay = inFlight.get(layer.digest);
  if (underWay) await underWay.settled();
  const cached = await contentCache().read(capturesKey(layer.digest));
  if (cached) return parseCaptures(cached.toString("utf8"));
  const captured = emptyCaptures();
  // The listing is cached already: only the captures are wanted from this pass.
  await drain(listLayer(await layer.open(), layer.check, captureSinks(captured)));
  await contentCache().put(capturesKey(layer.digest), serializeCaptures(captured));
  return captured;
}

/**
 * A layer's complete cached index (its bytes when small, else its file's path): NDJSON in exactly
 * the layer endpoint's format, ending with its `done` line, so it can be sent as it is.
 */
export function cachedLayerIndex(digest: string): Promise<Buffer | string | null> {
  return contentCache().open(layerIndexKey(digest));
}

/** Whether a layer's listing is at hand (here, or in the shared store): answers from it take milliseconds. */
export function isListed(layer: LayerSource): Promise<boolean> {
  // Not opened: opening checks a whole listing's digest, hundreds of milliseconds for a million entries.
  return contentCache().has(layerIndexKey(layer.digest));
}

/** What `listHere` leaves for `produce` to tell apart from an index another instance made. */
const LISTED_HERE = Symbol("listed here");

/**
 * Lists a layer once across every instance (with Redis: the others wait, then read the index it
 * stored, from the shared store), and once in this process however many read it meanwhile.
 */
async function produce(layer: LayerSource, replay: Replay<ListedBatch>): Promise<void> {
  try {
    const listed = await onceAcrossInstances<Buffer | string | typeof LISTED_HERE>(layerIndexKey(layer.digest), {
      find: () => cachedLayerIndex(layer.digest),
      make: () => listHere(layer, replay),
    });
    if (listed !== LISTED_HERE) {
      for await (const batch of readIndex(listed)) {
        replay.push(batch);
        await replay.room();
      }
    }
    replay.end();
    // Gzipped once it is whole, in one go: zlib fed line by line would cost a thread hop per line.
    if (listed === LISTED_HERE) void storeGzippedIndex(layer.digest).catch(() => undefined);
  } catch (error) {
    replay.fail(error);
  }
}

/** Reads the layer, passing its entries on as they come, and stores its index (the store too) before it returns. */
async function listHere(layer: LayerSource, replay: Replay<ListedBatch>): Promise<typeof LISTED_HERE> {
  const lines = new PassThrough({ highWaterMark: 1 << 20 });
  const committed = contentCache()
    .put(layerIndexKey(layer.digest), lines)
    .catch(() => undefined);
  try {
    const captured = emptyCaptures();
    const indexing = seekIndexing(layer);
    // An eStargz layer says what it holds in its table of contents: a TOC that cannot be had is no error, the layer is read.
    const fromToc = await tocEntries(layer).catch(() => null);
    const options = { ...layer.check, seek: indexing.seek, inflateAside: (layer.size ?? 0) >= INFLATE_ASIDE_MIN_BYTES };
    const batches = fromToc ? [fromToc] : listLayer(await layer.open(), options, captureSinks(captured));
    let count = 0;
    for await (const entries of batches) {
      const batch = listedBatch(entries);
      count += batch.count;
      replay.push(batch);
      if (!lines.write(batch.bytes)) await new Promise((resolve) => lines.once("drain", resolve));
      // At the pace of the slowest viewer once it is a budget behind: a listing is never held whole in memory.
      await replay.room();
    }
    // The captures and the seek index go in first: an index in the cache means they are there too, unless evicted since.
    // A TOC listing read no file: its captures are taken when they are first asked for.
    if (!fromToc) {
      await contentCache().put(capturesKey(layer.digest), serializeCaptures(captured));
      await indexing.store();
    }
    lines.end(`${JSON.stringify({ done: true, entries: count } satisfies IndexEnd)}\n`);
    await committed;
    return LISTED_HERE;
  } catch (error) {
    lines.destroy(error as Error);
    throw error;
  }
}

/**
 * Caches a layer's listing gzipped, as the layer endpoint sends it to clients that take gzip, made
 * from the listing streamed whole (once, however many ask at a time); false when the listing is gone.
 */
export function storeGzippedIndex(digest: string): Promise<boolean> {
  return gzipping.run(digest, () => gzipIndex(digest));
}

async function gzipIndex(digest: string): Promise<boolean> {
  const plain = await cachedLayerIndex(digest);
  if (plain === null) return false;
  // Streamed: a million-entry listing is hundreds of megabytes. The fastest level: the digests in a
  // listing do not compress, so a slower one saves 2 % for half again the time.
  const zipped = indexBytes(plain).pipe(createGzip({ level: constants.Z_BEST_SPEED, chunkSize: 1 << 20 }));
  await contentCache().put(gzippedIndexKey(digest), zipped);
  return true;
}

/** A cached index's bytes (in memory when small, else its file) as a stream. */
const indexBytes = (cached: Buffer | string): Readable =>
  typeof cached === "string" ? createReadStream(cached, { highWaterMark: 1 << 20 }) : Readable.from([cached]);

/** The last line of a batch of index lines: the end of the index when it is its `done` line. */
function endOf(lines: string): { end: IndexEnd | null; text: string } {
  const start = lines.lastIndexOf("\n", lines.length - 2) + 1;
  if (!lines.startsWith('{"done"', start)) return { end: null, text: lines };
  return { end: JSON.parse(lines.slice(start)) as IndexEnd, text: lines.slice(0, start) };
}

/** A cached index in batches, as it was listed: whole lines, parsed a batch at a time. */
async function* readIndex(cached: Buffer | string): AsyncGenerator<ListedBatch> {
  const decoder = new StringDecoder("utf8");
  let rest = "";
  let end: IndexEnd | null = null;
  let count = 0;
  for await (const chunk of indexBytes(cached)) {
    const text = rest + decoder.write(chunk as Buffer);
    const cut = text.lastIndexOf("\n") + 1;
    rest = text.slice(cut);
    if (cut === 0) continue;
    if (end) throw new PortholeError("INTERNAL", "a cached layer index goes on past its end");
    const batch = endOf(text.slice(0, cut));
    end = batch.end;
    // Entries are JSON objects on lines of their own (JSON escapes newlines): a batch of them parses as one array.
    const entries = batch.text ? (JSON.parse(`[${batch.text.slice(0, -1).replaceAll("\n", ",")}]`) as LayerEntry[]) : [];
    count += entries.length;
    if (entries.length) yield { entries, count: entries.length, bytes: Buffer.from(batch.text) };
  }
  if (!end || end.entries !== count || rest + decoder.end()) throw new PortholeError("INTERNAL", "a cached layer index is incomplete");
}

/** Reads `items` to their end for what reading them does (a listing stored, captures kept). */
export async function drain(items: AsyncIterable<unknown>): Promise<void> {
  for await (const item of items) void item;
}

/** Layers whose entries were collected lately: opening files one after another reads the index once. */
const collected = new Recent<LayerEntry[]>(8);

/** All entries of a layer, in tar order. */
export function collectLayer(layer: LayerSource): Promise<LayerEntry[]> {
  return collected.get(layer.digest, async () => {
    const entries: LayerEntry[] = [];
    for await (const batch of layerEntries(layer)) for (const entry of batch.entries) entries.push(entry);
    return entries;
  });
}
