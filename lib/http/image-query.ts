import "server-only";
import { parsePlatform } from "@/lib/core/platform";
import { isPinned, parseReference, parseRepository, type Repository } from "@/lib/core/reference";
import type { AuthOptions } from "@/lib/registry/auth";
import { serverCredentials, type Credentials } from "@/lib/registry/credentials";
import { CLIENT_HEADER } from "@/lib/http/client-address";
import { cacheControl, type Query } from "@/lib/http/respond";
import type { ImageQuery } from "@/lib/service/image";
import { sessionOf } from "@/lib/session/session";

/** Who asks: an API request, or the headers of a page request (server components have no Request). */
type Requester = Pick<Request, "headers">;

/** The requester's credentials for a registry: their own when signed in, else the server's, else none. */
export async function requesterCredentials(request: Requester, registry: string): Promise<Credentials | null> {
  return sessionOf(request)[registry] ?? (await serverCredentials(registry));
}

/**
 * The edge of every image endpoint: a reference and platform parsed once (400 naming the fault) and
 * the requester's credentials found once; services get these values, never the strings. A compare
 * names two images, so the parameters' names are the caller's (`a` and `platformA`, …).
 */
export async function imageQuery(request: Request, query: Query, names = { ref: "ref", platform: "platform" }): Promise<ImageQuery> {
  return requestedImage(request, query.require(names.ref), query.get(names.platform));
}

/** The image a requester names (a page the server renders, an API request), with their credentials. */
export async function requestedImage(request: Requester, rawRef: string, platform: string | null): Promise<ImageQuery> {
  const ref = parseReference(rawRef);
  return { ref, platform: platform ? parsePlatform(platform) : null, auth: await requesterAuth(request, ref.registry) };
}

/** Whose credentials a request uses for `registry`, and which client it is (for its fair share). */
async function requesterAuth(request: Requester, registry: string): Promise<AuthOptions> {
  const credentials = await requesterCredentials(request, registry);
  // Set by the front door from the socket (or trusted proxies), whatever the client sent.
  const client = request.headers.get(CLIENT_HEADER) ?? undefined;
  return { credentials, client };
}

/** The edge of the repository endpoints: `?repo=REGISTRY/REPO` parsed once, with the requester's credentials. */
export async function repositoryQuery(request: Request, query: Query): Promise<{ repository: Repository; auth: AuthOptions }> {
  const repository = parseRepository(query.require("repo"));
  return { repository, auth: await requesterAuth(request, repository.registry) };
}

/**
 * Cache-Control for an answer about an image: immutable when what it answers is addressed by digest
 * (the reference itself, unless the caller knows better), public only when no credentials were used.
 */
export function imageCacheControl(image: ImageQuery, pinned = isPinned(image.ref)): string {
  return cacheControl(pinned, image.auth.credentials === null);
}

/** Cache-Control for what can change at any time (tags, referrers): kept a minute when read anonymously, else by no one. */
export function movingCacheControl(auth: AuthOptions): string {
  return cacheControl(false, auth.credentials === null);
}
