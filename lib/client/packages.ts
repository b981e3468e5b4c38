import type { InstalledPackage, PackageLayerChange, Surface } from "@/lib/core/api-types";

/**
 * The packages panel's pure parts: searching and sorting the inventory, a layer's inventory line,
 * and the attack surface in plain words. Everything here is attacker-written text; it is only ever
 * handed to React as text.
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

export const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1) || path;

export interface NamedPath {
  /** What the summary calls it: a program's name. */
  name: string;
  path: string;
}

/**
 * One item of the attack-surface line: plain text; `before` followed by named links (a shell, a
 * package manager), then `after`; or a count that opens to its list of paths (setuid files).
 */
export type SurfaceItem =
  | { kind: "text"; key: string; text: string; risky: boolean }
  | { kind: "named"; key: string; before: string; names: NamedPath[]; after: string }
  | { kind: "list"; key: string; text: string; paths: { path: string; note?: string }[] };

/** Each name once (with its first path), sorted by name. */
function unique(items: readonly NamedPath[]): NamedPath[] {
  const seen = new Map<string, string>();
  for (const { name, path } of items) if (!seen.has(name)) seen.set(name, path);
  return [...seen].map(([name, path]) => ({ name, path })).sort((a, b) => byText(a.name, b.name));
}

/** Paths by program name. */
const named = (paths: readonly string[]) => unique(paths.map((path) => ({ name: baseName(path), path })));

const plural = (count: number, one: string, many: string) => (count === 1 ? one : many);

function namedItem(key: string, one: string, many: string, names: NamedPath[], wrap: boolean): SurfaceItem[] {
  if (!names.length) return [];
  const label = plural(names.length, one, many);
  return [{ kind: "named", key, before: wrap ? `${label} (` : `${label} `, names, after: wrap ? ")" : "" }];
}

function listItem(key: string, paths: { path: string; note?: string }[], one: string, many: string): SurfaceItem[] {
  return paths.length ? [{ kind: "list", key, text: `${paths.length} ${plural(paths.length, one, many)}`, paths }] : [];
}

/** "runs as root · has a shell (bash) · package manager apt · 2 setuid binaries", item by item. */
export function surfaceItems(surface: Surface): SurfaceItem[] {
  const user: SurfaceItem = surface.runsAsRoot
    ? { kind: "text", key: "user", text: surface.user ? `runs as root (${surface.user})` : "runs as root", risky: true }
    : { kind: "text", key: "user", text: `runs as ${surface.user}`, risky: false };
  const shells = named(surface.shells);
  const managers = unique(surface.packageManagers);
  return [
    user,
    ...(shells.length
      ? namedItem("shells", "has a shell", "has shells", shells, true)
      : [{ kind: "text" as const, key: "shells", text: "no shell", risky: false }]),
    ...(managers.length
      ? namedItem("managers", "package manager", "package managers", managers, false)
      : [{ kind: "text" as const, key: "managers", text: "no package manager", risky: false }]),
    ...namedItem("compilers", "compiler", "compilers", named(surface.compilers), false),
    ...namedItem("network", "network tool", "network tools", named(surface.networkTools), false),
    ...listItem(
      "setuid",
      surface.setuid.map((path) => ({ path })),
      "setuid binary",
      "setuid binaries",
    ),
    ...listItem(
      "setgid",
      surface.setgid.map((path) => ({ path })),
      "setgid binary",
      "setgid binaries",
    ),
    ...listItem(
      "writable",
      surface.worldWritable.map((path) => ({ path })),
      "world-writable path",
      "world-writable paths",
    ),
    ...listItem(
      "capabilities",
      surface.capabilities.map((c) => ({ path: c.path, note: c.value })),
      "file with capabilities",
      "files with capabilities",
    ),
  ];
}

/** One item of the attack-surface line as plain text: "has a shell (bash, sh)", "2 setuid binaries". */
export function surfaceItemText(item: SurfaceItem): string {
  if (item.kind === "named") return `${item.before}${item.names.map((n) => n.name).join(", ")}${item.after}`;
  return item.text;
}
