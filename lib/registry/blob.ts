import "server-only";
import type { Readable } from "node:stream";
import { acquireClientStream } from "@/lib/coord/client-streams";
import { releaseWhenClosed, upstreamStreams } from "@/lib/registry/limits";
import { parseDigest } from "@/lib/core/digest";
import type { AuthOptions } from "@/lib/registry/auth";
import { RegistryClient } from "@/lib/registry/client";
import type { UpstreamResponse } from "@/lib/registry/http";

type BlobTarget = { registry: string; repository: string };

/**
 * Opens a blob as a stream (following redirects to CDNs without our credentials). The caller
 * verifies the digest while reading: nothing here buffers. Each open body holds one of the
 * server's upstream stream slots, and one of its client's, until it ends, fails or is destroyed;
 * when none is free, this waits its turn (or fails: "server busy", or 429 for a client over its share).
 */
export async function openBlob(target: BlobTarget, digest: string, auth: AuthOptions = {}): Promise<{ body: Readable; size: number | null }> {
  const response = await requestBlob(target, digest, auth);
  const length = Number(response.headers["content-length"]);
  return { body: response.body, size: Number.isFinite(length) && response.headers["content-length"] !== undefined ? length : null };
}

/**
 * Opens bytes [from, to) of a blob. `partial` is false when the registry ignored the Range and
 * sent the whole blob from its start (allowed by HTTP): the caller decides whether to read it.
 */
export async function openBlobRange(
  target: BlobTarget,
  digest: string,
  from: number,
  to: number,
  auth: AuthOptions = {},
): Promise<{ body: Readable; partial: boolean }> {
  const response = await requestBlob(target, digest, auth, `bytes=${from}-${to - 1}`);
  const range = /^bytes (\d+)-(\d+)\//.exec(String(response.headers["content-range"] ?? ""));
  const partial = response.status === 206 && range !== null && Number(range[1]) === from && Number(range[2]) === to - 1;
  return { body: response.body, partial };
}

async function requestBlob(target: BlobTarget, digest: string, auth: AuthOptions, range?: string): Promise<UpstreamResponse> {
  parseDigest(digest);
  const releaseClient = auth.client ? await acquireClientStream(auth.client) : () => {};
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
    const response = await client.request(`blobs/${digest}`, range ? { range } : {});
    releaseWhenClosed(response.body, release);
    return response;
  } catch (error) {
    release();
    throw error;
  }
}
