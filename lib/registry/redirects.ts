import "server-only";
import { PortholeError } from "@/lib/core/errors";
import { usesPlainHttp } from "@/lib/registry/hosts";
import { discard, send, type UpstreamResponse } from "@/lib/registry/http";
import { header } from "@/lib/registry/upstream-errors";

const MAX_REDIRECTS = 5;

/**
 * Sends a request and follows redirects (blob GETs go to CDNs and object stores). Every hop passes
 * the private-host gate in `send`; Authorization never goes to another host; a hop may only leave
 * HTTPS for a host we speak plain HTTP to anyway.
 */
export async function followRedirects(url: URL, method: string, headers: Record<string, string>, body?: string): Promise<UpstreamResponse> {
  let current = url;
  let hopMethod = method;
  let hopBody = body;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const sameHost = current.host === url.host;
    const hopHeaders = sameHost ? headers : Object.fromEntries(Object.entries(headers).filter(([name]) => name !== "authorization"));
    const response = await send(current, { method: hopMethod, headers: hopHeaders, body: hopBody });
    const location = header(response, "location");
    if (![301, 302, 303, 307, 308].includes(response.status) || !location) return response;
    discard(response);
    // As fetch does: 307 and 308 repeat the request, the others turn a POST into a GET without its body.
    if (response.status !== 307 && response.status !== 308 && hopMethod === "POST") [hopMethod, hopBody] = ["GET", undefined];
    const next = new URL(location, current);
    if (next.protocol !== "https:" && !(next.protocol === "http:" && usesPlainHttp(next.host))) {
      throw new PortholeError("UPSTREAM_INVALID", `the registry redirected to ${next.protocol}//${next.host}, which is not HTTPS`);
    }
    current = next;
  }
  throw new PortholeError("UPSTREAM_INVALID", `more than ${MAX_REDIRECTS} redirects from ${url.host}`);
}
