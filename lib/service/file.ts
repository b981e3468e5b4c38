import "server-only";
import type { Readable } from "node:stream";
import type { ImageInfo, LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { FsMerge, type EntryLocation } from "@/lib/fs/merge";
import { cleanPath } from "@/lib/core/paths";
import { openLayerEntry } from "@/lib/layer/read";
import { openBlob } from "@/lib/registry/blob";
import type { AuthOptions } from "@/lib/registry/auth";
import { resolveImage, type ImageQuery } from "@/lib/service/image";
import { imageLayers, loadImageFs } from "@/lib/service/image-fs";
import { collectLayer } from "@/lib/service/layer-index";

export interface OpenedFile {
  entry: LayerEntry;
  content: Readable;
  /** Digest of the layer the bytes come from. */
  layerDigest: string;
}

function refuseNonFile(path: string, found: { type: string; linkname?: string } | null, where: string): void {
  if (!found) throw new PortholeError("NOT_FOUND", `${path} does not exist in ${where}`);
  if (found.type === "dir") throw new PortholeError("BAD_REQUEST", `${path} is a directory`);
  if (found.type === "symlink") {
    throw new PortholeError("CONFLICT", `${path} is a symbolic link to ${found.linkname}`, { details: { linkname: found.linkname ?? "" } });
  }
  if (found.type !== "file" && found.type !== "hardlink") throw new PortholeError("BAD_REQUEST", `${path} is a ${found.type}, which has no content`);
}

/** Where `path`'s bytes are as of layer `index` alone (hardlinks may point into lower layers). */
async function locateInLayer(image: ImageInfo, index: number, path: string, auth: AuthOptions): Promise<EntryLocation> {
  const layer = image.layers[index] as ImageInfo["layers"][number];
  const entries = await collectLayer({ registry: image.registry, repository: image.repository, digest: layer.digest, diffId: layer.diffId }, auth);
  // Within a layer the last entry for a path wins.
  const ordinal = entries.findLastIndex((entry) => entry.path === path && !entry.whiteout && !entry.opaque);
  const found = entries[ordinal];
  refuseNonFile(path, found ?? null, `layer ${index} (${layer.digest})`);
  if (found?.type === "file") return { layer: index, ordinal };
  // A hardlink's target is where the merge of the layers up to this one says it is.
  const merge = new FsMerge();
  for (const lower of (await imageLayers(image, auth)).slice(0, index + 1)) merge.addLayer(lower);
  const bytes = merge.locate(path)?.bytes;
  if (!bytes) throw new PortholeError("NOT_FOUND", `${path} is a hardlink to ${found?.linkname}, which does not exist`);
  return bytes;
}

/**
 * Opens a file's bytes as a stream: from one layer (`layerDigest`) or from the merged filesystem.
 * Hardlinks resolve to their target; directories, symlinks and missing paths are errors.
 */
export async function openFile(query: ImageQuery, rawPath: string, layerDigest: string | null): Promise<OpenedFile> {
  const path = cleanPath(rawPath);
  let image: ImageInfo;
  let location: EntryLocation;
  if (layerDigest) {
    image = await resolveImage(query);
    const index = image.layers.findIndex((layer) => layer.digest === layerDigest);
    if (index < 0) throw new PortholeError("NOT_FOUND", `the image has no layer ${layerDigest}`);
    location = await locateInLayer(image, index, path, query.auth);
  } else {
    const loaded = await loadImageFs(query);
    image = loaded.image;
    const found = loaded.merge.locate(path);
    refuseNonFile(path, found, "the image (it may have been deleted by a later layer)");
    if (!found?.bytes) throw new PortholeError("NOT_FOUND", `${path} is a hardlink to ${found?.linkname}, which does not exist`);
    location = found.bytes;
  }
  const layer = image.layers[location.layer] as ImageInfo["layers"][number];
  const { body } = await openBlob(image, layer.digest, query.auth);
  const opened = await openLayerEntry(body, location.ordinal, { digest: layer.digest });
  if (!opened) throw new PortholeError("UPSTREAM_INVALID", `layer ${layer.digest} changed: its entry ${location.ordinal} is gone`);
  return { entry: opened.entry, content: opened.content, layerDigest: layer.digest };
}
