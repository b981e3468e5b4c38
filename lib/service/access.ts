import "server-only";
import { parseDigest } from "@/lib/core/digest";
import { parseReference } from "@/lib/core/reference";
import { RegistryClient, type AuthOptions } from "@/lib/registry/transport";
import { discard } from "@/lib/registry/http";

/**
 * Proves, with the requester's own credentials, that the registry lets them read a blob of a
 * repository (a HEAD request), before anything derived from it is served from our caches.
 * Also turns an unknown blob into a 404 before a response starts streaming.
 */
export async function proveBlobAccess(refText: string, digest: string, auth: AuthOptions = {}) {
  const ref = parseReference(refText);
  parseDigest(digest);
  const client = await RegistryClient.for(ref, auth);
  discard(await client.request(`blobs/${digest}`, { method: "HEAD" }));
  return ref;
}
