import "server-only";
import { createReadStream } from "node:fs";
import { PassThrough } from "node:stream";
import { createInterface } from "node:readline";
import type { LayerEntry } from "@/lib/core/api-types";
import { diskCache } from "@/lib/cache/disk-cache";
import { Replay } from "@/lib/cache/replay";
import { PortholeError } from "@/lib/core/errors";
import { listLayer } from "@/lib/layer/read";
import { openBlob } from "@/lib/registry/blob";
import type { AuthOptions } from "@/lib/registry/auth";

export interface LayerRef {
  registry: string;
  repository: string;
  digest: string;
  diffId?: string | null;
}

/** The last line of a cached index: its presence proves the listing was complete and verified. */
interface IndexEnd {
  done: true;
  entries: number;
}

const inFlight = new Map<string, Replay<LayerEntry>>();
// v2: regular files carry their content digest; a v1 index (without them) is never served.
const cacheKey = (digest: string) => `layer-index:v2:${digest}`;

/**
 * A layer's entries, from wherever they are cheapest: the disk cache (a verified, complete index
 * keyed by digest: immutable), a listing already under way (N viewers, one download), or a new
 * download. A new download is indexed to the cache as it streams, and committed only once the
 * whole layer was read and verified. Callers must have proven access to the repository.
 */
export async function* layerEntries(layer: LayerRef, auth: AuthOptions = {}): AsyncGenerator<LayerEntry> {
  const cached = await diskCache().get(cacheKey(layer.digest));
  if (cached) {
    yield* readIndex(cached);
    return;
  }
  let replay = inFlight.get(layer.digest);
  if (!replay) {
    replay = new Replay<LayerEntry>();
    inFlight.set(layer.digest, replay);
    void produce(layer, auth, replay).finally(() => inFlight.delete(layer.digest));
  }
  yield* replay.read();
}

/**
 * The path of a layer's complete cached index: NDJSON in exactly the layer endpoint's format,
 * ending with its `done` line, so it can be sent as it is.
 */
export function cachedLayerIndex(digest: string): Promise<string | null> {
  return diskCache().get(cacheKey(digest));
}

async function produce(layer: LayerRef, auth: AuthOptions, replay: Replay<LayerEntry>): Promise<void> {
  const lines = new PassThrough();
  const committed = diskCache()
    .put(cacheKey(layer.digest), lines)
    .catch(() => undefined);
  try {
    const { body } = await openBlob(layer, layer.digest, auth);
    let count = 0;
    for await (const entry of listLayer(body, { digest: layer.digest, diffId: layer.diffId })) {
      count++;
      replay.push(entry);
      if (!lines.write(`${JSON.stringify(entry)}\n`)) await new Promise((resolve) => lines.once("drain", resolve));
    }
    lines.end(`${JSON.stringify({ done: true, entries: count } satisfies IndexEnd)}\n`);
    await committed;
    replay.end();
  } catch (error) {
    lines.destroy(error as Error);
    replay.fail(error);
  }
}

async function* readIndex(path: string): AsyncGenerator<LayerEntry> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
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

/** All entries of a layer, in tar order. */
export async function collectLayer(layer: LayerRef, auth: AuthOptions = {}): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  for await (const entry of layerEntries(layer, auth)) entries.push(entry);
  return entries;
}
