/** Image paths as the package-database parsers write them: absolute, `/`-separated, no `.` or `..` parts. */
import type { FsFile } from "@/lib/core/api-types";
import { linkTarget } from "@/lib/core/paths";

/** Symlinks followed on the way to one path before giving up, as the kernel's ELOOP does. */
const MAX_LINK_HOPS = 40;

/**
 * `relative` resolved against the absolute directory `base` (an absolute `relative` stands alone), with
 * `.` and `..` resolved the way the kernel does: `..` at the root stays at the root.
 */
export function resolvePath(base: string, relative: string): string {
  const parts: string[] = [];
  const joined = relative.startsWith("/") ? relative : `${base}/${relative}`;
  for (const part of joined.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** The directory part of an absolute path: `/a/b/c` → `/a/b`, `/a` → `/`. */
export function parentDirectory(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

/**
 * Whether a path a package database names is in the merged image `files`, following symlinked
 * directories on the way as the kernel would: usrmerged Debian lists `/bin/ls`, and the image has
 * `/bin → usr/bin` and `/usr/bin/ls`. The last component is never followed (a package owns a link as a link).
 */
export function inImage(files: readonly FsFile[]): (path: string) => boolean {
  const byPath = new Map(files.map((file) => [file.path, file]));
  // The root is in every image, though a merged file list leaves it out (dpkg lists it as `/.`).
  return (path) => {
    if (path === "/") return true;
    let current = path;
    for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
      if (byPath.has(current)) return true;
      const link = symlinkedParent(byPath, current);
      if (!link?.linkname) return false;
      current = `${linkTarget(link.path, link.linkname, "symlink")}${current.slice(link.path.length)}`.replace(/^\/\//, "/");
    }
    return false;
  };
}

/** The first directory on the way to `path` that is a symlink; null if one is missing or none is. */
function symlinkedParent(byPath: ReadonlyMap<string, FsFile>, path: string): FsFile | null {
  for (let slash = path.indexOf("/", 1); slash !== -1; slash = path.indexOf("/", slash + 1)) {
    const parent = byPath.get(path.slice(0, slash));
    if (!parent) return null;
    if (parent.type === "symlink") return parent;
  }
  return null;
}
