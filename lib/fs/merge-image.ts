import type { FsFile, FsHidden, FsResponse, ImageInfo, LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { comparePaths } from "@/lib/core/paths";
import { diveEfficiency, diveLayerTree } from "@/lib/fs/dive-efficiency";
import { FsMerge } from "@/lib/fs/merge";

/**
 * Per path, the regular-file bytes no one sees: every copy the layers hold, less the visible one.
 * Their sum is what squashing saves; the treemap draws each where it was (all of them, where dive's
 * inefficiencies are only the biggest paths, and count the visible copy too).
 */
function hiddenBytes(layers: readonly LayerEntry[][], files: readonly FsFile[]): FsHidden[] {
  const held = new Map<string, number>();
  for (const entries of layers) {
    for (const entry of entries) {
      if (entry.type === "file" && !entry.whiteout && !entry.opaque && entry.size > 0) held.set(entry.path, (held.get(entry.path) ?? 0) + entry.size);
    }
  }
  for (const file of files) {
    const bytes = held.get(file.path);
    if (bytes !== undefined && file.type === "file") held.set(file.path, bytes - file.size);
  }
  const hidden: FsHidden[] = [];
  for (const [path, size] of held) if (size > 0) hidden.push({ path, size });
  return hidden.sort((a, b) => comparePaths(a.path, b.path));
}

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
  const hidden = hiddenBytes(layers, files);
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
