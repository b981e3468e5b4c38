import "server-only";
import type { Readable } from "node:stream";
import { contentCache } from "@/lib/cache/content-cache";
import { Recent } from "@/lib/cache/recent";
import { settings } from "@/lib/config";
import type { LayerReadOptions } from "@/lib/layer/read";
import type { BuiltSeekIndex } from "@/lib/layer/seek/protocol";
import { readRange } from "@/lib/layer/seek/read-range";
import { parseSeekIndex, serializeSeekIndex, type SeekIndex } from "@/lib/layer/seek/seek-index";
import type { LayerSource } from "@/lib/service/layer-source";

/** Uncompressed bytes between checkpoints: a read inflates about half of this before its first byte. */
const CHECKPOINT_SPAN = 4 * 1024 * 1024;

const seekKey = (digest: string) => `layer-seek:v2:${digest}`;
const parsed = new Recent<SeekIndex | null>(64);

/**
 * How a first read of `layer` indexes it for random access, and where the index goes: layers
 * big enough to be worth it, from a source that can serve ranges. The index is kept only if the
 * whole read succeeds (`readLayer` calls back after verifying the digests).
 */
export function seekIndexing(layer: LayerSource): { seek?: LayerReadOptions["seek"]; store(): Promise<void> } {
  if (!layer.openRange || (layer.size ?? 0) < settings().seekIndexMinBytes) return { store: async () => {} };
  let built: BuiltSeekIndex | null = null;
  return {
    seek: { span: CHECKPOINT_SPAN, onIndex: (index) => (built = index) },
    store: async () => {
      if (built) await contentCache().put(seekKey(layer.digest), serializeSeekIndex(built));
    },
  };
}

/** The layer's seek index, if one was built and is still cached (verified by the cache as it is read). */
function seekIndex(digest: string): Promise<SeekIndex | null> {
  return parsed.get(digest, async () => {
    const data = await contentCache().read(seekKey(digest));
    return data ? parseSeekIndex(data) : null;
  });
}

/**
 * Uncompressed bytes [offset, offset + length) of a layer's tar, read by Range from its seek
 * index; null when there is none (never built, evicted) or the source sent the whole layer
 * instead of the range: the caller then reads the layer as a stream.
 */
export async function readLayerRange(layer: LayerSource, offset: number, length: number): Promise<Readable | null> {
  const openRange = layer.openRange;
  if (!openRange) return null;
  const index = await seekIndex(layer.digest);
  if (!index || offset + length > index.uncompressedBytes) return null;
  return readRange(index, offset, length, openRange);
}
