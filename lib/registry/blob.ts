import "server-only";
import type { Readable } from "node:stream";
import { clientStreams, releaseWhenClosed, upstreamStreams } from "@/lib/registry/limits";
import { parseDigest } from "@/lib/core/digest";
import type { AuthOptions } from "@/lib/registry/auth";
import { RegistryClient } from "@/lib/registry/client";

/**
 * Opens a blob as a stream (following redirects to CDNs without our credentials). The caller
 * verifies the digest while reading: nothing here buffers. Each open body holds one of the
 * server's upstream stream slots, and one of its client's, until it ends, fails or is destroyed;
 * when none is free, this waits its turn (or fails: "server busy", or 429 for a client over its share).
 */
export async function openBlob(
  target: { registry: string; repository: string },
  digest: string,
  auth: AuthOptions = {},
): Promise<{ body: Readable; size: number | null }> {
  parseDigest(digest);
  const releaseClient = auth.client ? await clientStreams(auth.client).acquire() : () => {};
  const releaseServer = await upstreamStreams.acquire().catch((error: unknown) => {
    releaseClient();
    throw error;
  });
  const release = () => {
    releaseServer();
    releaseClient();
  };
  try {
    const client = await RegistryClient.for(target, auth);
    const response = await client.request(`blobs/${digest}`);
    releaseWhenClosed(response.body, release);
    const length = Number(response.headers["content-length"]);
    return { body: response.body, size: Number.isFinite(length) && response.headers["content-length"] !== undefined ? length : null };
  } catch (error) {
    release();
    throw error;
  }
}
