import type { InstalledPackage } from "@/lib/core/api-types";

/**
 * What changed in the installed packages between two images, by `type:name`: computed in the browser
 * from the two /api/v1/packages answers. A name listed more than once (an npm package at two
 * versions, a Python package in two site-packages) counts as all its versions together.
 */
export interface PackageDiffRow {
  /** `type:name`. */
  package: string;
  kind: "added" | "removed" | "changed";
  /** The version(s) in A; null when A does not have it. */
  from: string | null;
  /** The version(s) in B; null when B does not have it. */
  to: string | null;
}

const byText = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true, sensitivity: "base" });

/** `type:name` → its versions, sorted and each once, joined by ", ". */
function versions(packages: readonly InstalledPackage[]): Map<string, string> {
  const all = new Map<string, Set<string>>();
  for (const pkg of packages) {
    const key = `${pkg.type}:${pkg.name}`;
    const found = all.get(key) ?? new Set<string>();
    found.add(pkg.version);
    all.set(key, found);
  }
  return new Map([...all].map(([key, set]) => [key, [...set].sort(byText).join(", ")]));
}

/** Every package added, removed or at another version in B than in A, sorted by `type:name`. */
export function diffPackages(a: readonly InstalledPackage[], b: readonly InstalledPackage[]): PackageDiffRow[] {
  const before = versions(a);
  const after = versions(b);
  const rows: PackageDiffRow[] = [];
  for (const [key, from] of before) {
    const to = after.get(key);
    if (to === undefined) rows.push({ package: key, kind: "removed", from, to: null });
    else if (to !== from) rows.push({ package: key, kind: "changed", from, to });
  }
  for (const [key, to] of after) if (!before.has(key)) rows.push({ package: key, kind: "added", from: null, to });
  return rows.sort((x, y) => byText(x.package, y.package) || (x.package < y.package ? -1 : x.package > y.package ? 1 : 0));
}

/** "2 added · 1 removed · 3 changed" (zero counts left out), or "no package changes". */
export function packageDiffSummary(rows: readonly PackageDiffRow[]): string {
  const count = (kind: PackageDiffRow["kind"]) => rows.filter((row) => row.kind === kind).length;
  const parts = [`${count("added")} added`, `${count("removed")} removed`, `${count("changed")} changed`].filter((part) => !part.startsWith("0 "));
  return parts.length ? parts.join(" · ") : "no package changes";
}
