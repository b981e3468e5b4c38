import "server-only";
import { parseDigest } from "@/lib/core/digest";
import { asPortholeError, PortholeError } from "@/lib/core/errors";

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
}

/** Runs a route handler body, mapping failures to error responses. Keeps route handlers thin. */
export async function handle(request: Request, run: (query: Query) => Promise<Response>): Promise<Response> {
  try {
    return await run(new Query(request));
  } catch (error) {
    return errorResponse(error);
  }
}

/**
 * Content addressing: what a digest names never changes, so it may be kept forever — by shared
 * caches too when it was fetched anonymously (a public image), else only by the requester's
 * browser. Tag-addressed answers must be revalidated.
 */
export function cacheControl(immutable: boolean, publicImage: boolean): string {
  if (!immutable) return "private, no-cache";
  return `${publicImage ? "public" : "private"}, max-age=31536000, immutable`;
}
