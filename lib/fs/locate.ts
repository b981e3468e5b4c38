import type { Change } from "@/lib/core/api-types";
import { comparePaths } from "@/lib/core/paths";
import { PortholeError } from "@/lib/core/errors";
import type { EntryLocation, FsMerge, Located } from "@/lib/fs/merge";

/**
 * Where a file's bytes are: which layer, and which entry of its listing. The server and the
 * browser (local images) answer `/api/v1/file` with these, so both refuse the same paths the same way.
 */

function refuseNonFile(path: string, found: Omit<Located, "bytes"> | null, where: string): void {
  if (!found) throw new PortholeError("NOT_FOUND", `${path} does not exist in ${where}`);
  if (found.type === "dir") throw new PortholeError("BAD_REQUEST", `${path} is a directory`);
  if (found.type === "symlink") {
    throw new PortholeError("CONFLICT", `${path} is a symbolic link to ${found.linkname}`, { details: { linkname: found.linkname ?? "" } });
  }
  if (found.type !== "file" && found.type !== "hardlink") throw new PortholeError("BAD_REQUEST", `${path} is a ${found.type}, which has no content`);
}

/** Where the bytes of `path` are, found as `found` in `where` (named in errors): refused unless it is a file, or a hardlink to one. */
export function bytesToOpen(path: string, found: Located | null, where: string): EntryLocation {
  refuseNonFile(path, found, where);
  if (!found?.bytes) throw new PortholeError("NOT_FOUND", `${path} is a hardlink to ${found?.linkname}, which does not exist`);
  return found.bytes;
}

/** Says where a path of the merged filesystem was not. */
export const MERGED = "the image (it may have been deleted by a later layer)";

/** Where `path`'s bytes are in a merged filesystem. */
export const locateInMerge = (merge: FsMerge, path: string): EntryLocation => bytesToOpen(path, merge.locate(path), MERGED);

/** Says where a path of layer `index` (`digest`) was not: a layer's view shows what it added, modified or removed. */
export const inLayer = (index: number, digest: string) => `what layer ${index} (${digest}) added or modified`;

/**
 * How `path` opens as layer `index` added or modified it (what the layer's view shows), found among
 * its changes; null when the layer did neither (removing it included: there is nothing to open).
 */
export function locatedInLayer(merge: FsMerge, index: number, path: string): Located | null {
  const changes = merge.changes(index);
  let low = 0;
  let high = changes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (comparePaths((changes[middle] as Change).path, path) < 0) low = middle + 1;
    else high = middle;
  }
  return changes[low]?.path === path ? (merge.changesLocated(index)[low] ?? null) : null;
}
