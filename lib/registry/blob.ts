import "server-only";
import type { Readable } from "node:stream";
import { parseDigest } from "@/lib/registry/reference";
import { RegistryClient, type AuthOptions } from "@/lib/registry/transport";

/**
 * Opens a blob as a stream (following redirects to CDNs without our credentials). The caller
 * verifies the digest while reading: nothing here buffers.
 */
export async function openBlob(
  target: { registry: string; repository: string },
  digest: string,
  auth: AuthOptions = {},
): Promise<{ body: Readable; size: number | null }> {
  parseDigest(digest);
  const client = await RegistryClient.for(target, auth);
  const response = await client.request(`blobs/${digest}`);
  const length = Number(response.headers["content-length"]);
  return { body: response.body, size: Number.isFinite(length) && response.headers["content-length"] !== undefined ? length : null };
}
