import "server-only";
import { isDigest } from "@/lib/core/digest";
import { PortholeError } from "@/lib/core/errors";
import type { RegistryClient } from "@/lib/registry/client";
import { discard, readCapped } from "@/lib/registry/http";
import { MANIFEST_LIMIT } from "@/lib/registry/manifest-parse";
import { MANIFEST_ACCEPT } from "@/lib/registry/media-types";

/** Manifests and configs: the small JSON documents of an image, fetched whole and capped (never verified here: callers do). */

/** The digest a registry advertises for a manifest (HEAD), or null when it names none or refuses HEAD. */
export async function headManifestDigest(client: RegistryClient, reference: string): Promise<string | null> {
  try {
    const response = await client.request(`manifests/${reference}`, { accept: MANIFEST_ACCEPT, method: "HEAD" });
    discard(response);
    const digest = response.headers["docker-content-digest"];
    return typeof digest === "string" && isDigest(digest) ? digest : null;
  } catch (error) {
    if (error instanceof PortholeError && error.code === "UPSTREAM_INVALID") return null; // e.g. 405: GET will tell
    throw error;
  }
}

/** A manifest by tag or digest: its bytes and the Content-Type it was served with. */
export async function getManifest(client: RegistryClient, reference: string): Promise<{ bytes: Buffer; contentType: string | null }> {
  const response = await client.request(`manifests/${reference}`, { accept: MANIFEST_ACCEPT });
  const bytes = await readCapped(response, MANIFEST_LIMIT, "manifest");
  return { bytes, contentType: response.headers["content-type"] ?? null };
}

/** An image config blob's bytes. */
export function getConfig(client: RegistryClient, digest: string): Promise<Buffer> {
  return getSmallBlob(client, digest, MANIFEST_LIMIT, "image config");
}

/** A small blob read whole (a config, an SBOM, a signature): TOO_LARGE past `limit` bytes. */
export async function getSmallBlob(client: RegistryClient, digest: string, limit: number, what: string): Promise<Buffer> {
  return readCapped(await client.request(`blobs/${digest}`), limit, what);
}
