import type { LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { FsMerge, type EntryLocation } from "@/lib/fs/merge";

/**
 * Where a file's bytes are: which layer, and which entry of its listing. The server and the
 * browser (local images) answer `/api/v1/file` with these, so both refuse the same paths the same way.
 */

function refuseNonFile(path: string, found: { type: string; linkname?: string } | null, where: string): void {
  if (!found) throw new PortholeError("NOT_FOUND", `${path} does not exist in ${where}`);
  if (found.type === "dir") throw new PortholeError("BAD_REQUEST", `${path} is a directory`);
  if (found.type === "symlink") {
    throw new PortholeError("CONFLICT", `${path} is a symbolic link to ${found.linkname}`, { details: { linkname: found.linkname ?? "" } });
  }
  if (found.type !== "file" && found.type !== "hardlink") throw new PortholeError("BAD_REQUEST", `${path} is a ${found.type}, which has no content`);
}

/**
 * Where `path`'s bytes are as of layer `index` alone (`entries`, named `where` in errors); a
 * hardlink's target may be in a lower layer: `lowerLayers` gives the listings of layers 0..index.
 */
export async function locateInLayerEntries(
  entries: readonly LayerEntry[],
  index: number,
  path: string,
  where: string,
  lowerLayers: () => Promise<readonly (readonly LayerEntry[])[]>,
): Promise<EntryLocation> {
  // Within a layer the last entry for a path wins.
  const ordinal = entries.findLastIndex((entry) => entry.path === path && !entry.whiteout && !entry.opaque);
  const found = entries[ordinal];
  refuseNonFile(path, found ?? null, where);
  if (found?.type === "file") return { layer: index, ordinal };
  // A hardlink's target is where the merge of the layers up to this one says it is.
  const merge = new FsMerge();
  for (const lower of await lowerLayers()) merge.addLayer(lower);
  const bytes = merge.locate(path)?.bytes;
  if (!bytes) throw new PortholeError("NOT_FOUND", `${path} is a hardlink to ${found?.linkname}, which does not exist`);
  return bytes;
}

/** Where `path`'s bytes are in a merged filesystem. */
export function locateInMerge(merge: FsMerge, path: string): EntryLocation {
  const found = merge.locate(path);
  refuseNonFile(path, found, "the image (it may have been deleted by a later layer)");
  if (!found?.bytes) throw new PortholeError("NOT_FOUND", `${path} is a hardlink to ${found?.linkname}, which does not exist`);
  return found.bytes;
}
