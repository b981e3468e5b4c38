import "server-only";
import type { Reference } from "@/lib/core/reference";
import type { AuthOptions } from "@/lib/registry/auth";
import { RegistryClient } from "@/lib/registry/client";
import { discard } from "@/lib/registry/http";

/**
 * Proves, with the requester's own credentials, that the registry lets them read a blob of a
 * repository (a HEAD request), before anything derived from it is served from our caches.
 * Also turns an unknown blob into a 404 before a response starts streaming. Resolves with the
 * blob's size when the registry says it (Content-Length).
 */
export async function proveBlobAccess(ref: Reference, digest: string, auth: AuthOptions): Promise<{ size?: number }> {
  const client = await RegistryClient.for(ref, auth);
  const response = await client.request(`blobs/${digest}`, { method: "HEAD" });
  discard(response);
  const length = Number(response.headers["content-length"]);
  return Number.isSafeInteger(length) && length >= 0 ? { size: length } : {};
}
