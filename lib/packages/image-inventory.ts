import type { Change, FsResponse, ImageInfo, InstalledPackage, PackageLayerChange, PackagesResponse } from "@/lib/core/api-types";
import type { FsMerge } from "@/lib/fs/merge";
import type { LayerCaptures } from "@/lib/packages/captures";
import type { GoScanResult } from "@/lib/packages/go-buildinfo";
import { readInventory } from "@/lib/packages/inventory";
import { inImage } from "@/lib/packages/paths";
import { attackSurface } from "@/lib/packages/surface";
import type { FoundPackage } from "@/lib/packages/types";

/** The database files and Go build info of the image as merged so far. */
interface Sources {
  files: Map<string, Uint8Array>;
  go: Map<string, GoScanResult>;
}

/**
 * Applies one layer to the sources by what the merge says it did (`FsMerge.changes`, the one place
 * the layer rules live): whatever stood below at a path it removed, replaced or added is gone, and
 * its captures arrive. Says whether the inventory could have changed.
 */
function applyLayer(sources: Sources, changes: readonly Change[], captures: LayerCaptures): boolean {
  let changed = false;
  for (const { path } of changes) {
    changed = sources.files.delete(path) || changed;
    changed = sources.go.delete(path) || changed;
  }
  for (const [path, bytes] of captures.files) sources.files.set(path, bytes);
  for (const [path, result] of captures.go) sources.go.set(path, result);
  return changed || captures.files.size > 0 || captures.go.size > 0;
}

const displayName = (found: FoundPackage) => `${found.type}:${found.name}`;
/** One package of one database: the same name in two site-packages directories is two packages. */
const identity = (found: FoundPackage) => [found.type, found.name, found.arch ?? "", found.db].join("\0");

/** What a layer did to the inventory below it, and when each package got its current version. */
function compareInventories(
  index: number,
  before: Map<string, FoundPackage>,
  after: Map<string, FoundPackage>,
  since: Map<string, number>,
): PackageLayerChange {
  const change: PackageLayerChange = { index, added: [], removed: [], changed: [] };
  for (const [key, found] of after) {
    const previous = before.get(key);
    if (!previous) change.added.push(displayName(found));
    else if (previous.version !== found.version) change.changed.push({ package: displayName(found), from: previous.version, to: found.version });
    if (!previous || previous.version !== found.version) since.set(key, index);
  }
  for (const [key, found] of before) if (!after.has(key)) change.removed.push(displayName(found));
  return change;
}

const changedAnything = (change: PackageLayerChange) => change.added.length + change.removed.length + change.changed.length > 0;

/** A package without its file lists: the lighter answer. */
export function withoutFiles(listed: InstalledPackage): InstalledPackage {
  const bare = { ...listed };
  delete bare.files;
  delete bare.missing;
  return bare;
}

/**
 * What is installed in an image, from its layers read bottom-up (`capturesAt(i)`: what the pass
 * over layer i captured), its merge (what each layer did, and the files in the end) and config:
 * every package with its files and those a later layer removed, what each layer changed, and the
 * attack surface.
 */
export async function imageInventory(
  image: ImageInfo,
  { merge, fs }: { merge: FsMerge; fs: FsResponse },
  capturesAt: (index: number) => Promise<LayerCaptures>,
): Promise<PackagesResponse> {
  const sources: Sources = { files: new Map(), go: new Map() };
  const since = new Map<string, number>();
  const layers: PackageLayerChange[] = [];
  let inventory = new Map<string, FoundPackage>();
  let problems: PackagesResponse["problems"] = [];
  for (let index = 0; index < merge.layerCount; index++) {
    if (!applyLayer(sources, merge.changes(index), await capturesAt(index))) continue;
    const result = readInventory(sources.files, sources.go);
    const next = new Map(result.packages.map((found) => [identity(found), found]));
    const change = compareInventories(index, inventory, next, since);
    if (changedAnything(change)) layers.push(change);
    inventory = next;
    problems = result.problems;
  }
  const present = inImage(fs.files);
  const packages = [...inventory].map(([key, found]): InstalledPackage => {
    const listed: InstalledPackage = { type: found.type, name: found.name, version: found.version, layer: since.get(key) ?? 0, db: found.db };
    if (found.arch) listed.arch = found.arch;
    if (found.files) Object.assign(listed, { files: found.files, missing: found.files.filter((path) => !present(path)) });
    return listed;
  });
  return { digest: image.digest, packages, layers, surface: attackSurface(fs.files, image.run), problems };
}
