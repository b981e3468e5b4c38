import "server-only";
import { contentCache } from "@/lib/cache/content-cache";
import type { ImageInfo, IndexInfo, Platform } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { formatReference, type Reference } from "@/lib/core/reference";
import type { AuthOptions } from "@/lib/registry/auth";
import { RegistryClient } from "@/lib/registry/client";
import { getConfig, getManifest, headManifestDigest } from "@/lib/registry/documents";
import { imageInfo, parseImageConfig, type ChosenImage } from "@/lib/registry/image-info";
import { digestOf, parseManifest, verifyDigest } from "@/lib/registry/manifest";
import { choosePlatform, indexEntries, type ParsedManifest } from "@/lib/registry/manifest-parse";

/**
 * The top-level manifest, by tag or digest, with access proven on every call: a HEAD (which Docker
 * Hub does not count against pull limits) names the digest, and bytes already verified come from
 * the disk cache; a GET only for a manifest we have not seen. Fetched bytes must hash to the digest.
 */
async function topManifest(client: RegistryClient, ref: Reference): Promise<{ digest: string; parsed: ParsedManifest }> {
  const reference = ref.digest ?? (ref.tag as string);
  const advertised = await headManifestDigest(client, reference);
  const known = ref.digest ?? advertised;
  const cached = known ? await contentCache().read(`manifest:${known}`) : null;
  if (known && cached) return { digest: known, parsed: parseManifest(cached, null) };

  const { bytes, contentType } = await getManifest(client, reference);
  if (ref.digest) verifyDigest(bytes, ref.digest, "manifest");
  const digest = ref.digest ?? digestOf(bytes, advertised ?? "");
  if (!ref.digest && advertised && advertised !== digest) {
    throw new PortholeError("UPSTREAM_INVALID", `the registry says the manifest is ${advertised} but its bytes hash to ${digest}`);
  }
  await contentCache().put(`manifest:${digest}`, bytes);
  return { digest, parsed: parseManifest(bytes, contentType) };
}

/**
 * Bytes addressed by digest that the top-level manifest (fetched with the requester's credentials
 * just now) points at: served from the disk cache when we have them, verified before they go in.
 */
export async function byDigest(kind: string, digest: string, fetchBytes: () => Promise<Buffer>): Promise<Buffer> {
  const key = `${kind.replaceAll(" ", "-")}:${digest}`; // "image config" → image-config: cache keys are words and colons
  const cached = await contentCache().read(key);
  if (cached) return cached;
  const bytes = await fetchBytes();
  verifyDigest(bytes, digest, kind);
  await contentCache().put(key, bytes);
  return bytes;
}

/** Through an index to the image manifest of one platform. */
async function platformManifest(client: RegistryClient, index: IndexInfo, wanted: Platform | null): Promise<ChosenImage> {
  const chosen = choosePlatform(index.platforms, wanted);
  const bytes = await byDigest("manifest", chosen.digest, async () => (await getManifest(client, chosen.digest)).bytes);
  const parsed = parseManifest(bytes, chosen.mediaType);
  if (parsed.kind !== "image") throw new PortholeError("UNSUPPORTED", "nested indexes are not supported");
  return { digest: chosen.digest, manifest: parsed.manifest, raw: parsed.raw };
}

async function imageConfig(client: RegistryClient, digest: string): Promise<Record<string, unknown>> {
  return parseImageConfig((await byDigest("image config", digest, () => getConfig(client, digest))).toString("utf8"));
}

/** An image as a request names it: the parsed reference, the platform wanted (null: linux/amd64) and whose credentials to use. */
export interface ImageQuery {
  ref: Reference;
  platform: Platform | null;
  auth: AuthOptions;
}

/**
 * Resolves a reference the way `docker pull` does: manifest (through an index to one platform,
 * linux/amd64 unless asked), then config, then history mapped to layers: the public ImageInfo.
 */
export async function resolveImage({ ref, platform, auth }: ImageQuery): Promise<ImageInfo> {
  const client = await RegistryClient.for(ref, auth);
  const top = await topManifest(client, ref);
  let index: IndexInfo | null = null;
  let image: ChosenImage;
  if (top.parsed.kind === "index") {
    index = { digest: top.digest, mediaType: top.parsed.manifest.mediaType, ...indexEntries(top.parsed.manifest) };
    image = await platformManifest(client, index, platform);
  } else {
    image = { digest: top.digest, manifest: top.parsed.manifest, raw: top.parsed.raw };
  }
  const config = await imageConfig(client, image.manifest.config.digest);
  const origin = { ref: formatReference(ref), registry: ref.registry, repository: ref.repository, tag: ref.tag };
  return imageInfo(origin, index, image, config);
}
