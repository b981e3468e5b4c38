import "server-only";
import type { FsResponse, ImageInfo, LayerEntry } from "@/lib/core/api-types";
import { Recent } from "@/lib/cache/recent";
import { settings } from "@/lib/config";
import type { FsMerge } from "@/lib/fs/merge";
import { existingLayer, mergeImage } from "@/lib/fs/merge-image";
import { collectLayer } from "@/lib/service/layer-index";
import type { ImageSource } from "@/lib/service/layer-source";

const LAYER_CONCURRENCY = 4;
const RECENT_IMAGES = 8;

export interface ImageFs {
  image: ImageInfo;
  merge: FsMerge;
  fs: FsResponse;
}

/** Maps with at most `limit` tasks running at once, keeping order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Layers 0..`upTo`'s entries, in order; any unreadable layer fails the whole (never a partial tree). */
const layersUpTo = (source: ImageSource, upTo: number): Promise<LayerEntry[][]> =>
  mapLimited(source.layers.slice(0, upTo + 1), LAYER_CONCURRENCY, collectLayer);

function build(image: ImageInfo, layers: LayerEntry[][]): ImageFs {
  return { image, ...mergeImage(image, layers, settings().maxListingBytes) };
}

const recent = new Recent<ImageFs>(RECENT_IMAGES);

/** The merged filesystem of layers 0..`upTo`, made now and kept by no one: for work that keeps what it derives elsewhere. */
export async function mergedNow(source: ImageSource, upTo: number): Promise<ImageFs> {
  return build(source.image, await layersUpTo(source, upTo));
}

/**
 * The merged filesystem of an image from wherever its layers come from (a registry, an archive),
 * or of its layers 0..`upTo` ("everything up to this layer"). Memoized by digest: a registry source
 * must have been resolved with the requester's credentials (`registryImage`).
 */
export async function imageFs(source: ImageSource, upToLayer: number | null = null): Promise<ImageFs> {
  const { image } = source;
  const upTo = existingLayer(image, upToLayer ?? image.layers.length - 1);
  const loaded = await recent.get(`${image.digest}:${upTo}`, async () => build(image, await layersUpTo(source, upTo)));
  return { ...loaded, image };
}
