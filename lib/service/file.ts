import "server-only";
import { PortholeError } from "@/lib/core/errors";
import type { EntryLocation } from "@/lib/fs/merge";
import { locateInLayerEntries, locateInMerge } from "@/lib/fs/locate";
import { cleanPath } from "@/lib/core/paths";
import { imageFs, imageLayers } from "@/lib/service/image-fs";
import { openEntryBytes, type ByteRange, type EntryBytes } from "@/lib/service/entry-bytes";
import { collectLayer } from "@/lib/service/layer-index";
import type { ImageSource } from "@/lib/service/layer-source";

/** A file's bytes (or the part asked for), and the layer they come from. */
export interface OpenedFile extends EntryBytes {
  /** Digest of the layer the bytes come from. */
  layerDigest: string;
}

/** Where `path`'s bytes are as of layer `index` alone (hardlinks may point into lower layers). */
async function locateInLayer(source: ImageSource, index: number, path: string): Promise<EntryLocation> {
  const layer = source.layers[index] as ImageSource["layers"][number];
  const lower = async () => (await imageLayers(source)).slice(0, index + 1);
  return locateInLayerEntries(await collectLayer(layer), index, path, `layer ${index} (${layer.digest})`, lower);
}

/** Where `path`'s bytes are in the merged filesystem. */
async function locateMerged(source: ImageSource, path: string): Promise<EntryLocation> {
  return locateInMerge((await imageFs(source)).merge, path);
}

/**
 * Opens a file's bytes as a stream: from one layer (`layerDigest`) or from the merged filesystem;
 * all of them, or the `part` asked for. Hardlinks resolve to their target; directories, symlinks
 * and missing paths are errors. The image comes from wherever its layers do (a registry, an archive).
 */
export async function openFile(source: ImageSource, rawPath: string, layerDigest: string | null, part: ByteRange | null = null): Promise<OpenedFile> {
  const path = cleanPath(rawPath);
  let location: EntryLocation;
  if (layerDigest) {
    const index = source.image.layers.findIndex((layer) => layer.digest === layerDigest);
    if (index < 0) throw new PortholeError("NOT_FOUND", `the image has no layer ${layerDigest}`);
    location = await locateInLayer(source, index, path);
  } else {
    location = await locateMerged(source, path);
  }
  const layer = source.layers[location.layer] as ImageSource["layers"][number];
  return { ...(await openEntryBytes(layer, location.ordinal, part)), layerDigest: layer.digest };
}
