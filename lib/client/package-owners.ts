import type { InstalledPackage } from "@/lib/core/api-types";
import { linkTarget } from "@/lib/core/paths";
import type { TreeNode } from "@/lib/core/tree";

/**
 * Which package owns which file, from the packages answer with `files=1`. Package names, versions
 * and paths are attacker-written text: only ever shown as text.
 */
export interface OwnerIndex {
  /** A path → the packages whose database entry names it. */
  byPath: ReadonlyMap<string, readonly InstalledPackage[]>;
  /** A package's name and `type:name`, lower-cased → every path it owns. */
  byName: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A directory symlink: a path under `from` is also the path under `to` (usrmerge: /bin → /usr/bin). */
export type DirectoryLink = readonly [from: string, to: string];

/** The image's top-level directory symlinks (usrmerge's /bin → /usr/bin, /lib → /usr/lib…). */
export function directoryLinks(root: TreeNode): DirectoryLink[] {
  const links: DirectoryLink[] = [];
  for (const child of root.children) {
    if (child.type !== "symlink" || !child.linkname) continue;
    const to = linkTarget(child.path, child.linkname, child.type);
    if (to !== "/" && to !== child.path && !to.startsWith(`${child.path}/`)) links.push([child.path, to]);
  }
  return links;
}

/** `path` where the image has it: under a linked directory (usrmerge's /bin/ls), the path under its target (/usr/bin/ls). */
export function throughLinks(path: string, links: readonly DirectoryLink[]): string {
  for (const [from, to] of links) if (path.startsWith(`${from}/`)) return to + path.slice(from.length);
  return path;
}

/** `path` and what it is also reachable as through the directory links, both ways. */
function aliases(path: string, links: readonly DirectoryLink[]): string[] {
  const all = [path];
  for (const [from, to] of links) {
    if (path.startsWith(`${from}/`)) all.push(to + path.slice(from.length));
    else if (path.startsWith(`${to}/`)) all.push(from + path.slice(to.length));
  }
  return all;
}

/** Indexes every package's files; a file listed under a linked directory is indexed under both names. */
export function ownerIndex(packages: readonly InstalledPackage[], links: readonly DirectoryLink[] = []): OwnerIndex {
  const byPath = new Map<string, InstalledPackage[]>();
  const byName = new Map<string, Set<string>>();
  for (const pkg of packages) {
    const owned = new Set<string>();
    for (const file of pkg.files ?? []) for (const path of aliases(file, links)) owned.add(path);
    for (const path of owned) {
      const owners = byPath.get(path);
      if (owners) owners.push(pkg);
      else byPath.set(path, [pkg]);
    }
    for (const name of new Set([pkg.name.toLowerCase(), `${pkg.type}:${pkg.name}`.toLowerCase()])) {
      const paths = byName.get(name) ?? new Set<string>();
      for (const path of owned) paths.add(path);
      byName.set(name, paths);
    }
  }
  return { byPath, byName };
}

/** The packages that own `path`; none when no package lists it. */
export const ownersOf = (index: OwnerIndex, path: string): readonly InstalledPackage[] => index.byPath.get(path) ?? [];

/** The paths the package named `name` (or `type:name`, any case) owns; undefined when no package is called so. */
export const filesOf = (index: OwnerIndex, name: string): ReadonlySet<string> | undefined => index.byName.get(name.trim().toLowerCase());

/** `deb:coreutils 9.1-1`. */
export const packageLabel = (pkg: InstalledPackage) => `${pkg.type}:${pkg.name} ${pkg.version}`;
