/**
 * Paths inside an image: cleaned absolute strings (see names.ts for how bytes become strings), the
 * one order they are listed in, and the OCI layer.md whiteout names. Browser-safe.
 */
export const WHITEOUT_PREFIX = ".wh.";
const OPAQUE_MARKER = ".wh..wh..opq";

/** A name with nothing to clean once a leading `./` or `/` and a trailing `/` are off: no empty, `.` or `..` part. */
const PLAIN_NAME = /^(?:\.?\/)?((?!\.\.?(?:\/|$))[^/]+(?:\/(?!\.\.?(?:\/|$))[^/]+)*)\/?$/;

/** `./a//b/`, `a/./b`, `/a/b` → `/a/b`; `..` never climbs above `/`. */
export function cleanPath(name: string): string {
  // Most tar names are plain (`usr/bin/env`, `./etc/`): those skip the split and join.
  const plain = PLAIN_NAME.exec(name);
  if (plain) return `/${plain[1]}`;
  const parts: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

/** Where a link leads: a hardlink's name and an absolute symlink are from `/`, a relative symlink from its directory. */
export function linkTarget(path: string, linkname: string, type: "symlink" | "hardlink" | string): string {
  return cleanPath(type === "hardlink" || linkname.startsWith("/") ? linkname : joinPath(parentOf(path), linkname));
}

/** The one order of paths and names: by code unit, locale-independent and stable (what dive and sort(1) in C do). */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** OCI layer.md whiteouts: what a cleaned tar path marks, if anything. */
export function whiteoutOf(path: string): { kind: "opaque"; dir: string } | { kind: "whiteout"; target: string } | null {
  const base = baseName(path);
  if (base === OPAQUE_MARKER) return { kind: "opaque", dir: parentOf(path) };
  if (base.startsWith(WHITEOUT_PREFIX) && base.length > WHITEOUT_PREFIX.length) {
    return { kind: "whiteout", target: joinPath(parentOf(path), base.slice(WHITEOUT_PREFIX.length)) };
  }
  return null;
}

/** The marker's own path again, e.g. for dive's model, which keeps whiteouts as named leaves. */
export function whiteoutMarkerPath(target: string): string {
  return joinPath(parentOf(target), `${WHITEOUT_PREFIX}${baseName(target)}`);
}

/** `/a/b/c` → `/`, `/a`, `/a/b` (and `/a/b/c` itself when `andSelf`): the directories a path is reached through. */
export function directoriesDown(path: string, andSelf: boolean): string[] {
  const dirs: string[] = [];
  for (let at = andSelf ? path : parentOf(path); ; at = parentOf(at)) {
    dirs.unshift(at);
    if (at === "/") return dirs;
  }
}
