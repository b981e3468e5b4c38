import type { Surface } from "@/lib/core/api-types";

/**
 * The attack surface in plain words: the image page's surface line, the compare page's and the
 * command line's. Everything here is attacker-written text; it is only ever handed to React as text.
 */

const byText = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true, sensitivity: "base" });

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
