import "server-only";
import type { Page } from "@/lib/core/paging";
import { parseDigest } from "@/lib/core/digest";
import { asPortholeError, PortholeError } from "@/lib/core/errors";
import { revalidated } from "@/lib/http/etag";

/** Turns any thrown value into the JSON error response of /api/v1. */
export function errorResponse(error: unknown): Response {
  const e = asPortholeError(error);
  if (e.code === "INTERNAL") console.error(e.cause ?? e);
  const headers: Record<string, string> = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };
  if (e.retryAfter !== undefined) headers["Retry-After"] = String(e.retryAfter);
  return Response.json(e.toJSON(), { status: e.status, headers });
}

/** A request's query parameters; `require` answers 400 naming a missing one. */
export class Query {
  private readonly params: URLSearchParams;

  constructor(request: Request) {
    this.params = new URL(request.url).searchParams;
  }

  get(name: string): string | null {
    return this.params.get(name);
  }

  require(name: string): string {
    const value = this.params.get(name);
    if (!value) throw new PortholeError("BAD_REQUEST", `the ${name} parameter is required`);
    return value;
  }

  /** A layer index (0 is the bottom layer). */
  layerIndex(name: string): number {
    const value = this.require(name);
    if (!/^\d+$/.test(value)) throw new PortholeError("BAD_REQUEST", `${name} must be a layer index (0 is the bottom layer)`);
    return Number(value);
  }

  layerIndexIfGiven(name: string): number | null {
    return this.params.has(name) ? this.layerIndex(name) : null;
  }

  digest(name: string): string {
    return parseDigest(this.require(name));
  }

  digestIfGiven(name: string): string | null {
    return this.params.has(name) ? this.digest(name) : null;
  }

  /** A page of a list in path order (`limit` from 1 to `max`, `after` a path), or null when no `limit` is given: all of it. */
  pageIfGiven(max: number): Page | null {
    if (!this.params.has("limit")) return null;
    const after = this.get("after");
    return { limit: this.count("limit", max, max), ...(after !== null && { after }) };
  }

  /** One of `values` (the first when the parameter is not given). */
  oneOf<T extends string>(name: string, values: readonly [T, ...T[]]): T {
    const value = this.get(name) ?? values[0];
    if (!values.includes(value as T)) throw new PortholeError("BAD_REQUEST", `${name} must be one of ${values.join(", ")}`);
    return value as T;
  }

  /** A whole number from 1 to `max` (`fallback` when not given). */
  count(name: string, fallback: number, max: number): number {
    const value = this.get(name);
    if (value === null) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
      throw new PortholeError("BAD_REQUEST", `${name} must be a whole number from 1 to ${max}`);
    return Number(value);
  }
}

/** Runs a route handler body, mapping failures to error responses, and answers revalidations (etag.ts). Keeps route handlers thin. */
export async function handle(request: Request, run: (query: Query) => Promise<Response>): Promise<Response> {
  try {
    return revalidated(request, await run(new Query(request)));
  } catch (error) {
    return errorResponse(error);
  }
}

/** How long anyone may keep an anonymous answer about a tag (or a repository's tags, an image's referrers): they move. */
const MOVING_ANSWER_MAX_AGE_S = 60;

/**
 * Content addressing: what a digest names never changes, so an answer read anonymously (a public
 * image) may be kept forever by anyone, a CDN or reverse proxy included, and one about a tag for a
 * minute. Anything read with credentials (the server's or a signed-in user's) is kept by no one:
 * another requester must prove access to the registry themselves.
 */
export function cacheControl(immutable: boolean, anonymous: boolean): string {
  if (!anonymous) return "private, no-store";
  return immutable ? "public, max-age=31536000, immutable" : `public, max-age=${MOVING_ANSWER_MAX_AGE_S}`;
}
