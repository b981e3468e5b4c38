import type { FsResponse, ImageInfo, InstalledPackage, LayerEntry, PackageLayerChange, PackagesResponse } from "@/lib/core/api-types";
import type { LayerCaptures } from "@/lib/layer/capture-sinks";
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

const isUnder = (path: string, dir: string) => path.startsWith(dir === "/" ? "/" : `${dir}/`);

/** Removes what matches from both maps; says whether anything went. */
function removeWhere(sources: Sources, matches: (path: string) => boolean): boolean {
  let removed = false;
  for (const map of [sources.files, sources.go]) {
    for (const path of map.keys()) {
      if (matches(path)) removed = map.delete(path) || removed;
    }
  }
  return removed;
}

/**
 * Applies one layer to the sources as the merge applies it to files: its whiteouts and opaque
 * markers delete from below, its entries replace what they name, its captures arrive. Says whether
 * the inventory could have changed.
 */
function applyLayer(sources: Sources, entries: readonly LayerEntry[], captures: LayerCaptures): boolean {
  let changed = false;
  for (const entry of entries) {
    if (entry.whiteout) changed = removeWhere(sources, (path) => path === entry.path || isUnder(path, entry.path)) || changed;
    else if (entry.opaque) changed = removeWhere(sources, (path) => isUnder(path, entry.path)) || changed;
  }
  for (const entry of entries) {
    if (entry.whiteout || entry.opaque || entry.type === "dir") continue;
    changed = sources.files.delete(entry.path) || changed;
    changed = sources.go.delete(entry.path) || changed;
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
 * What is installed in an image, from its layers read bottom-up (`layerAt(i)`: layer i's listing
 * and what the pass over it captured), its merged files and config: every package with its files
 * and those a later layer removed, what each layer changed, and the attack surface.
 */
export async function imageInventory(
  image: ImageInfo,
  fs: FsResponse,
  layerCount: number,
  layerAt: (index: number) => Promise<{ entries: readonly LayerEntry[]; captures: LayerCaptures }>,
): Promise<PackagesResponse> {
  const sources: Sources = { files: new Map(), go: new Map() };
  const since = new Map<string, number>();
  const layers: PackageLayerChange[] = [];
  let inventory = new Map<string, FoundPackage>();
  let problems: PackagesResponse["problems"] = [];
  for (let index = 0; index < layerCount; index++) {
    const { entries, captures } = await layerAt(index);
    if (!applyLayer(sources, entries, captures)) continue;
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
  return { digest: image.digest, packages, layers, surface: attackSurface(fs.files, image.config), problems };
}
