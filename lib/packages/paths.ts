/** Image paths as the package-database parsers write them: absolute, `/`-separated, no `.` or `..` parts. */

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
