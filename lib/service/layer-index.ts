import "server-only";
import { createReadStream } from "node:fs";
import { PassThrough, Readable } from "node:stream";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { constants, gzip } from "node:zlib";
import type { LayerEntry } from "@/lib/core/api-types";
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

const inFlight = new Map<string, Replay<LayerEntry>>();
const gzipped = promisify(gzip);
const gzipping = new SharedFlight<Buffer | null>();
// v4: entries carry file capabilities and their data offsets (v3 was the first written with the layer's captures; v2 had content digests; v1 none).
export const layerIndexKey = (digest: string) => `layer-index:v4:${digest}`;
/** The same listing gzipped, as the layer endpoint sends it to clients that take gzip. */
export const gzippedIndexKey = (digest: string) => `layer-index-gzip:v4:${digest}`;
const capturesKey = (digest: string) => `layer-captures:v1:${digest}`;

/**
 * A layer's entries, from wherever they are cheapest: the disk cache (a verified, complete index
 * keyed by digest: immutable), a listing already under way (N viewers, one download), or a new
 * download. A new download is indexed to the cache as it streams, and committed only once the
 * whole layer was read and verified. Callers must have proven access to the repository.
 */
export async function* layerEntries(layer: LayerSource): AsyncGenerator<LayerEntry> {
  const cached = await contentCache().open(layerIndexKey(layer.digest));
  if (cached) {
    yield* readIndex(cached);
    return;
  }
  yield* listing(layer).read();
}

/** The one read of a layer under way, joined, or started. */
function listing(layer: LayerSource): Replay<LayerEntry> {
  let replay = inFlight.get(layer.digest);
  if (!replay) {
    replay = new Replay<LayerEntry>();
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
  if (underWay) await drain(underWay.read());
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
export async function isListed(layer: LayerSource): Promise<boolean> {
  return (await cachedLayerIndex(layer.digest)) !== null;
}

/** What `listHere` leaves for `produce` to tell apart from an index another instance made. */
const LISTED_HERE = Symbol("listed here");

/**
 * Lists a layer once across every instance (with Redis: the others wait, then read the index it
 * stored, from the shared store), and once in this process however many read it meanwhile.
 */
async function produce(layer: LayerSource, replay: Replay<LayerEntry>): Promise<void> {
  try {
    const listed = await onceAcrossInstances<Buffer | string | typeof LISTED_HERE>(layerIndexKey(layer.digest), {
      find: () => cachedLayerIndex(layer.digest),
      make: () => listHere(layer, replay),
    });
    if (listed !== LISTED_HERE) for await (const entry of readIndex(listed)) replay.push(entry);
    replay.end();
    // Gzipped once it is whole, in one go: zlib fed line by line would cost a thread hop per line.
    if (listed === LISTED_HERE) void storeGzippedIndex(layer.digest).catch(() => undefined);
  } catch (error) {
    replay.fail(error);
  }
}

/** Reads the layer, passing its entries on as they come, and stores its index (the store too) before it returns. */
async function listHere(layer: LayerSource, replay: Replay<LayerEntry>): Promise<typeof LISTED_HERE> {
  const lines = new PassThrough();
  const committed = contentCache()
    .put(layerIndexKey(layer.digest), lines)
    .catch(() => undefined);
  try {
    const captured = emptyCaptures();
    const indexing = seekIndexing(layer);
    // An eStargz layer says what it holds in its table of contents: a TOC that cannot be had is no error, the layer is read.
    const fromToc = await tocEntries(layer).catch(() => null);
    const entries = fromToc ?? listLayer(await layer.open(), { ...layer.check, seek: indexing.seek }, captureSinks(captured));
    let count = 0;
    for await (const entry of entries) {
      count++;
      replay.push(entry);
      if (!lines.write(`${JSON.stringify(entry)}\n`)) await new Promise((resolve) => lines.once("drain", resolve));
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
 * from the listing read whole and checked (once, however many ask at a time); its bytes, or null
 * when the listing is gone.
 */
export function storeGzippedIndex(digest: string): Promise<Buffer | null> {
  return gzipping.run(digest, () => gzipIndex(digest));
}

async function gzipIndex(digest: string): Promise<Buffer | null> {
  const bytes = await contentCache().read(layerIndexKey(digest));
  if (!bytes) return null;
  // The fastest level: the digests in a listing do not compress, so a slower one saves 2 % for half again the time.
  const zipped = await gzipped(bytes, { level: constants.Z_BEST_SPEED });
  await contentCache().put(gzippedIndexKey(digest), zipped);
  return zipped;
}

async function* readIndex(cached: Buffer | string): AsyncGenerator<LayerEntry> {
  const input = typeof cached === "string" ? createReadStream(cached) : Readable.from([cached]);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let end: IndexEnd | null = null;
  let count = 0;
  for await (const line of lines) {
    const value = JSON.parse(line) as LayerEntry | IndexEnd;
    if ("done" in value) end = value;
    else {
      count++;
      yield value;
    }
  }
  if (!end || end.entries !== count) throw new PortholeError("INTERNAL", "a cached layer index is incomplete");
}

async function drain(items: AsyncIterable<unknown>): Promise<void> {
  for await (const item of items) void item;
}

/** Layers whose entries were collected lately: opening files one after another reads the index once. */
const collected = new Recent<LayerEntry[]>(8);

/** All entries of a layer, in tar order. */
export function collectLayer(layer: LayerSource): Promise<LayerEntry[]> {
  return collected.get(layer.digest, async () => {
    const entries: LayerEntry[] = [];
    for await (const entry of layerEntries(layer)) entries.push(entry);
    return entries;
  });
}
