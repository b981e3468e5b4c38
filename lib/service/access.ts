import "server-only";
import type { Reference } from "@/lib/core/reference";
import type { AuthOptions } from "@/lib/registry/auth";
import { RegistryClient } from "@/lib/registry/client";
import { discard } from "@/lib/registry/http";

/**
 * Proves, with the requester's own credentials, that the registry lets them read a blob of a
 * repository (a HEAD request), before anything derived from it is served from our caches.
 * Also turns an unknown blob into a 404 before a response starts streaming.
 */
export async function proveBlobAccess(ref: Reference, digest: string, auth: AuthOptions): Promise<void> {
  const client = await RegistryClient.for(ref, auth);
  discard(await client.request(`blobs/${digest}`, { method: "HEAD" }));
}
