import "server-only";
import { PortholeError } from "@/lib/core/errors";
import { bytesToOpen, inLayer, MERGED } from "@/lib/fs/locate";
import type { EntryLocation } from "@/lib/fs/merge";
import { cleanPath } from "@/lib/core/paths";
import { openEntryBytes, type ByteRange, type EntryBytes } from "@/lib/service/entry-bytes";
import type { ImageSource } from "@/lib/service/layer-source";
import type { TreeIndex } from "@/lib/service/tree-index";
import { indexedChangeLocated, indexedLocated } from "@/lib/service/tree-queries";

/** A file's bytes (or the part asked for), and the layer they come from. */
export interface OpenedFile extends EntryBytes {
  /** Digest of the layer the bytes come from. */
  layerDigest: string;
}

/** Where `path`'s bytes are: in the merged filesystem, or as layer `layerDigest` added or modified it. */
async function locate(source: ImageSource, index: TreeIndex, path: string, layerDigest: string | null): Promise<EntryLocation> {
  if (layerDigest === null) return bytesToOpen(path, await indexedLocated(index, path), MERGED);
  const layer = source.image.layers.findIndex((candidate) => candidate.digest === layerDigest);
  if (layer < 0) throw new PortholeError("NOT_FOUND", `the image has no layer ${layerDigest}`);
  return bytesToOpen(path, await indexedChangeLocated(index, layer, path), inLayer(layer, layerDigest));
}

/**
 * Opens a file's bytes as a stream: from one layer (`layerDigest`: what it added or modified) or
 * from the merged filesystem; all of them, or the `part` asked for. Hardlinks resolve to their
 * target; directories, symlinks and missing paths are errors. Where the bytes are comes from a line
 * of the image's tree index (`index`), the entry from a line of its layer's listing: a file of a
 * million-file image costs what it is. The image comes from wherever its layers do (a registry, an archive).
 */
export async function openFile(
  source: ImageSource,
  index: TreeIndex,
  rawPath: string,
  layerDigest: string | null,
  part: ByteRange | null = null,
): Promise<OpenedFile> {
  const { layer: at, ordinal } = await locate(source, index, cleanPath(rawPath), layerDigest);
  const layer = source.layers[at] as ImageSource["layers"][number];
  return { ...(await openEntryBytes(layer, ordinal, part)), layerDigest: layer.digest };
}
