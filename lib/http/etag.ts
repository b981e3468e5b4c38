import "server-only";
import { createHash } from "node:crypto";
import { version } from "@/package.json";

/** What a 304 keeps of the answer it stands for (RFC 9110 §15.4.5). */
const KEPT_ON_304 = ["cache-control", "etag", "vary", "expires", "content-location"];

const immutablePublic = (response: Response) => /^public\b.*\bimmutable\b/.test(response.headers.get("cache-control") ?? "");

/**
 * An immutable answer is named by what was asked: this version of Porthole, the endpoint and its
 * parameters (a digest-pinned reference, a layer digest, a path). Weak, because the bytes differ
 * with the encoding the client takes; the parameters are sorted, so their order does not matter.
 */
function etagOf(url: string): string {
  const { pathname, searchParams } = new URL(url);
  const params = [...searchParams].sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1));
  const named = JSON.stringify([version, pathname, params]);
  return `W/"${createHash("sha256").update(named).digest("base64url").slice(0, 32)}"`;
}

function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => {
    const each = tag.trim();
    return each === "*" || each.replace(/^W\//, "") === bare;
  });
}

/**
 * Immutable public answers (a digest-pinned image read anonymously) carry an ETag, so a CDN, a
 * reverse proxy or a browser that kept one revalidates it for a 304 instead of its bytes. The
 * answer is made first: the 304 is only given where the 200 would have been (the access check,
 * an unknown digest's 404, all still apply).
 */
export function revalidated(request: Request, response: Response): Response {
  if ((response.status !== 200 && response.status !== 206) || !immutablePublic(response)) return response;
  const etag = etagOf(request.url);
  response.headers.set("ETag", etag);
  if (!matches(request.headers.get("if-none-match"), etag)) return response;
  void response.body?.cancel();
  const headers = new Headers();
  for (const name of KEPT_ON_304) {
    const value = response.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return new Response(null, { status: 304, headers });
}
