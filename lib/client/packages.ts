import type { InstalledPackage, PackageLayerChange } from "@/lib/core/api-types";

/**
 * The packages panel's pure parts: searching and sorting the inventory, and a layer's inventory
 * line. Everything here is attacker-written text; it is only ever handed to React as text.
 */

export type PackageSortKey = "type" | "name" | "version" | "layer" | "files";
export interface PackageSort {
  key: PackageSortKey;
  descending: boolean;
}

/** The packages whose name, version or type contain `query` (case-insensitive); all for an empty query. */
export function searchPackages(packages: readonly InstalledPackage[], query: string): InstalledPackage[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [...packages];
  return packages.filter((p) => `${p.type}:${p.name}`.toLowerCase().includes(needle) || p.version.toLowerCase().includes(needle));
}

/** What names a package in links and in the URL: `deb:coreutils`. */
export const packageKey = (pkg: InstalledPackage) => `${pkg.type}:${pkg.name}`;

const byText = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true, sensitivity: "base" });
const fileCount = (p: InstalledPackage) => p.files?.length ?? -1;

const COMPARE: Record<PackageSortKey, (a: InstalledPackage, b: InstalledPackage) => number> = {
  type: (a, b) => byText(a.type, b.type),
  name: (a, b) => byText(a.name, b.name),
  version: (a, b) => byText(a.version, b.version),
  layer: (a, b) => a.layer - b.layer,
  files: (a, b) => fileCount(a) - fileCount(b),
};

/** A sorted copy; ties go by name, then type, always ascending, so the order is stable whatever the key. */
export function sortPackages(packages: readonly InstalledPackage[], { key, descending }: PackageSort): InstalledPackage[] {
  const sign = descending ? -1 : 1;
  return [...packages].sort((a, b) => sign * COMPARE[key](a, b) || COMPARE.name(a, b) || COMPARE.type(a, b));
}

/** Clicking a column: the same column flips its direction, another starts ascending. */
export function nextSort(current: PackageSort, key: PackageSortKey): PackageSort {
  return current.key === key ? { key, descending: !current.descending } : { key, descending: false };
}

/** A layer's inventory change as "+2 installed · ~1 upgraded · −1 removed" (zero counts left out); null if it changed nothing. */
export function layerInventoryText(change: PackageLayerChange | undefined): string | null {
  if (!change) return null;
  const parts = [
    change.added.length ? `+${change.added.length} installed` : "",
    change.changed.length ? `~${change.changed.length} upgraded` : "",
    change.removed.length ? `\u2212${change.removed.length} removed` : "",
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : null;
}

/** The same change name by name, one line each, for a tooltip. */
export function layerInventoryDetail(change: PackageLayerChange): string {
  return [
    ...change.added.map((name) => `+ ${name}`),
    ...change.changed.map((c) => `~ ${c.package} ${c.from} → ${c.to}`),
    ...change.removed.map((name) => `\u2212 ${name}`),
  ].join("\n");
}
