import type { FsResponse, ImageInfo, LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { diveEfficiency, diveLayerTree } from "@/lib/fs/dive-efficiency";
import { FsMerge } from "@/lib/fs/merge";

/**
 * An image's merged filesystem and its figures (`/api/v1/fs`) from its layers' listings, bottom
 * first: the server's and the browser's (local images) one computation.
 */
export function mergeImage(image: ImageInfo, layers: readonly LayerEntry[][], maxListingBytes: number): { merge: FsMerge; fs: FsResponse } {
  const merge = new FsMerge();
  for (const entries of layers) merge.addLayer(entries);
  const files = merge.files();
  const pathBytes = files.reduce((sum, file) => sum + file.path.length, 0);
  // Paths in a merged tree can outgrow their layers many times over (one entry 10 000 levels deep
  // implies 10 000 directories): past PORTHOLE_MAX_LISTING_BYTES the listing is refused, not built.
  if (pathBytes > maxListingBytes) {
    throw new PortholeError("TOO_LARGE", `the merged filesystem has ${pathBytes} bytes of paths, over the ${maxListingBytes}-byte listing limit`);
  }
  const trees = layers.map((entries) => diveLayerTree(entries));
  const dive = diveEfficiency(trees);
  const hidden = merge.hidden();
  const fs: FsResponse = {
    digest: image.digest,
    files,
    layers: layers.map((entries, index) => {
      const changes = merge.changes(index);
      const count = (kind: string) => changes.filter((c) => c.change === kind).length;
      return {
        index,
        digest: image.layers[index]?.digest ?? "",
        size: trees[index]?.size ?? 0,
        entries: entries.length,
        added: count("added"),
        modified: count("modified"),
        removed: count("removed"),
      };
    }),
    efficiency: dive.efficiency,
    wastedBytes: dive.wastedBytes,
    userWastedPercent: dive.userWastedPercent,
    reclaimableBytes: hidden.reduce((sum, item) => sum + item.size, 0),
    inefficiencies: dive.inefficiencies.slice(0, 100),
    hidden,
  };
  return { merge, fs };
}

/** `index` when the image has that layer (0 is the bottom); else NOT_FOUND, as every source says it. */
export function existingLayer(image: Pick<ImageInfo, "layers">, index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= image.layers.length) {
    throw new PortholeError("NOT_FOUND", `the image has ${image.layers.length} layers; there is no layer ${index}`);
  }
  return index;
}
