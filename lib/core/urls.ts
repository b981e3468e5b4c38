/**
 * The URL is the state: every view of Porthole is a link. One module builds and parses them.
 *   /image/{ref}                              the image (merged filesystem at /)
 *   /image/{ref}/-/fs/{path}                  the merged filesystem at a path   (?upto=N: layers 0..N)
 *   /image/{ref}/-/layer/{digest}/{path}      one layer's changes at a path
 *   ?platform=os/arch[/variant]               for indexes;  #L12 or #L12-L20: selected lines
 *   /local/{file}[/{image}]…                  the same views of an archive opened in this tab (lib/core/local-ref.ts)
 * Path segments are percent-encoded, so names with spaces, #, ?, % and unicode round-trip.
 */
import { DIGEST_PIN } from "@/lib/core/digest";

export type View = { kind: "fs"; path: string; upTo: number | null } | { kind: "layer"; digest: string; path: string };

export interface Location {
  ref: string;
  view: View;
  platform: string | null;
  /** The image is in an archive opened in the browser (`/local/…`), not in a registry. */
  local?: boolean;
}

const refSegment = (segment: string) => encodeURIComponent(segment).replace(/%3A/gi, ":").replace(/%40/g, "@");
const encodePath = (path: string) =>
  path
    .split("/")
    .filter(Boolean)
    .map((segment) => encodeURIComponent(segment))
    .join("/");

const encodeRef = (ref: string) => ref.split("/").map(refSegment).join("/");

/** `url?query` with the parameters that are set, or just `url` when none is. */
function withQuery(url: string, params: Record<string, string | null>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
  const search = query.toString();
  return search ? `${url}?${search}` : url;
}

/** A raw request path's segments after the first (`image`, `compare`), each decoded once; a trailing slash adds none. */
function segmentsAfterRoute(pathname: string): string[] {
  return pathname
    .split("/")
    .slice(2)
    .filter((s, i, all) => s !== "" || i < all.length - 1)
    .map(safeDecode);
}

export function imageUrl(location: Location): string {
  let url = `/${location.local ? "local" : "image"}/${encodeRef(location.ref)}`;
  const { view } = location;
  if (view.kind === "layer") url += `/-/layer/${view.digest}/${encodePath(view.path)}`;
  else if (view.path !== "/" || view.upTo !== null) url += `/-/fs/${encodePath(view.path)}`;
  return withQuery(url, { platform: location.platform, upto: view.kind === "fs" && view.upTo !== null ? String(view.upTo) : null });
}

/** The request header (set by proxy.ts) that carries the raw, still-encoded request path. */
export const PATHNAME_HEADER = "x-porthole-pathname";

/** Parses a raw request path `/image/…` (percent-encoded, as the browser sent it). */
export function parseImageUrl(pathname: string, search: URLSearchParams): Location {
  return parseImagePath(segmentsAfterRoute(pathname), search);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape is kept as typed
  }
}

/** Parses a raw request path `/local/…`: a local image's view (its ref is a file name, then an image of it). */
export function parseLocalUrl(pathname: string, search: URLSearchParams): Location {
  return { ...parseImagePath(segmentsAfterRoute(pathname), search), local: true };
}

/** Parses the segments after /image/, each decoded once. */
export function parseImagePath(segments: string[], search: URLSearchParams): Location {
  const separator = segments.indexOf("-");
  const refParts = separator === -1 ? segments : segments.slice(0, separator);
  const rest = separator === -1 ? [] : segments.slice(separator + 1);
  const ref = refParts.join("/");
  const platform = search.get("platform");
  const upToText = search.get("upto");
  const upTo = upToText !== null && /^\d+$/.test(upToText) ? Number(upToText) : null;
  if (rest[0] === "layer" && rest[1]) {
    return { ref, platform, view: { kind: "layer", digest: rest[1], path: `/${rest.slice(2).join("/")}` } };
  }
  const pathParts = rest[0] === "fs" ? rest.slice(1) : [];
  return { ref, platform, view: { kind: "fs", path: `/${pathParts.join("/")}`, upTo } };
}

/** The fragment that opens an image page's packages tab; `#packages/deb:coreutils` also opens that package's files. */
export const PACKAGES_HASH = "#packages";
/** The supply-chain tab; `#supply-chain/sha256:…` also opens that referrer. */
export const SUPPLY_CHAIN_HASH = "#supply-chain";
/** The treemap of the merged filesystem by size. */
export const TREEMAP_HASH = "#treemap";

/** A tab's fragment (`#packages`), with the item open in it, if any (`#packages/deb:coreutils`). */
export function tabHash(tab: string, open: string | null): string {
  return open === null ? tab : `${tab}/${refSegment(open)}`;
}

/** A tab's state from a fragment: null when the fragment is not that tab's. */
export function parseTabHash(tab: string, hash: string): { open: string | null } | null {
  if (hash === tab) return { open: null };
  if (!hash.startsWith(`${tab}/`)) return null;
  return { open: safeDecode(hash.slice(tab.length + 1)) || null };
}

/** A repository's page, `/repo/{registry}/{repository}`: its tags, each a link to its image. */
export function repoUrl(repository: string): string {
  return `/repo/${encodeRef(repository)}`;
}

/** The repository (`registry/repository`) a raw request path `/repo/…` names. */
export function parseRepoUrl(pathname: string): string {
  return segmentsAfterRoute(pathname).join("/");
}

/** `#L12` or `#L12-L20` → the selected line range. */
export function parseLineHash(hash: string): { from: number; to: number } | null {
  const match = /^#L(\d+)(?:-L(\d+))?$/.exec(hash);
  if (!match) return null;
  const from = Number(match[1]);
  const to = match[2] ? Number(match[2]) : from;
  return { from: Math.min(from, to), to: Math.max(from, to) };
}

export function lineHash(range: { from: number; to: number }): string {
  return range.from === range.to ? `#L${range.from}` : `#L${range.from}-L${range.to}`;
}

/** A reference pinned to a manifest digest (any pin it had replaced), so a shared link keeps showing the same bytes. */
export function pinnedRef(ref: string, digest: string): string {
  return `${ref.replace(DIGEST_PIN, "")}@${digest}`;
}

/**
 * Comparing two images is a link too:
 *   /compare/{refA}/-/vs/{refB}                 every path that differs, and the config differences
 *   /compare/{refA}/-/vs/{refB}/-/fs/{path}     one path's difference
 *   ?platformA=os/arch  ?platformB=os/arch      for indexes, each side its own
 *   ?localA=1  ?localB=1                        that side is a local image (`{file}[/{image}]`, as in /local/…),
 *                                               read in this tab and compared here: the server is never asked about it
 * Refs are written as in /image/…; no ref has a `-` segment, so the separators are unambiguous.
 */
export interface CompareLocation {
  a: string;
  b: string;
  platformA: string | null;
  platformB: string | null;
  /** The path the page is about; `/` for the whole comparison. */
  path: string;
  /** Side A is an archive opened in this tab, not a registry image. */
  localA?: boolean;
  localB?: boolean;
}

export function compareUrl(location: CompareLocation): string {
  let url = `/compare/${encodeRef(location.a)}/-/vs/${encodeRef(location.b)}`;
  if (location.path !== "/") url += `/-/fs/${encodePath(location.path)}`;
  const flag = (local: boolean | undefined) => (local ? "1" : null);
  return withQuery(url, {
    platformA: location.platformA,
    platformB: location.platformB,
    localA: flag(location.localA),
    localB: flag(location.localB),
  });
}

/** Parses a raw request path `/compare/…` (percent-encoded, as the browser sent it). */
export function parseCompareUrl(pathname: string, search: URLSearchParams): CompareLocation {
  const segments = segmentsAfterRoute(pathname);
  const vs = segments.findIndex((s, i) => s === "-" && segments[i + 1] === "vs");
  const aParts = vs === -1 ? segments : segments.slice(0, vs);
  const rest = vs === -1 ? [] : segments.slice(vs + 2);
  const separator = rest.indexOf("-");
  const bParts = separator === -1 ? rest : rest.slice(0, separator);
  const pathParts = separator !== -1 && rest[separator + 1] === "fs" ? rest.slice(separator + 2) : [];
  return {
    a: aParts.join("/"),
    b: bParts.join("/"),
    platformA: search.get("platformA"),
    platformB: search.get("platformB"),
    path: `/${pathParts.join("/")}`,
    localA: search.get("localA") === "1",
    localB: search.get("localB") === "1",
  };
}

/** One side of a comparison on its own page, at `path`: a registry image's, or a local one's (this tab's). */
export function sideImageUrl(ref: string, local: boolean | undefined, path = "/"): string {
  return imageUrl({ ref, platform: null, view: { kind: "fs", path, upTo: null }, local });
}

/** The same comparison with both sides pinned to their manifest digests (platforms then go without saying). */
export function pinnedCompare(location: CompareLocation, digestA: string, digestB: string): CompareLocation {
  return { ...location, a: pinnedRef(location.a, digestA), b: pinnedRef(location.b, digestB), platformA: null, platformB: null };
}
