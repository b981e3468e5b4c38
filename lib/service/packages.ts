import "server-only";
import type { PackagesResponse } from "@/lib/core/api-types";
import { Recent } from "@/lib/cache/recent";
import { imageInventory, withoutFiles } from "@/lib/packages/image-inventory";
import { imageFs, type ImageFs } from "@/lib/service/image-fs";
import { layerCaptures } from "@/lib/service/layer-index";
import type { ImageSource } from "@/lib/service/layer-source";

/** An image's inventory with every package's files and those missing: computed once per image, answered with or without the files. */
const recent = new Recent<PackagesResponse>(8);

/**
 * What is installed in an image, from wherever its layers come from (a registry, an archive): every
 * package database and Go binary of the merged image, read from what the one pass over each layer
 * captured; which layer installed or last upgraded each package, what each layer changed, and the
 * image's attack surface. With `withFiles`, each package's files and those of them a later layer
 * removed. A registry source must have been resolved with the requester's credentials
 * (`registryImage`) before the per-digest memory is reached.
 */
export async function imagePackages(source: ImageSource, withFiles: boolean): Promise<PackagesResponse> {
  const loaded = await imageFs(source);
  const full = await recent.get(loaded.image.digest, () => inventoryOf(loaded, source));
  if (withFiles) return full;
  return { ...full, packages: full.packages.map(withoutFiles) };
}

function inventoryOf(loaded: ImageFs, source: ImageSource): Promise<PackagesResponse> {
  return imageInventory(loaded.image, loaded, (index) => layerCaptures(source.layers[index] as ImageSource["layers"][number]));
}
