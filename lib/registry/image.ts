import "server-only";
import { readFile } from "node:fs/promises";
import { diskCache } from "@/lib/cache/disk-cache";
import { PortholeError } from "@/lib/core/errors";
import type { HistoryEntry, ImageInfo, IndexInfo, Platform } from "@/lib/core/api-types";
import { mapHistory } from "@/lib/registry/history";
import { discard, readCapped } from "@/lib/registry/http";
import {
  MANIFEST_LIMIT,
  choosePlatform,
  digestOf,
  indexEntries,
  parseManifest,
  verifyDigest,
  type ParsedManifest,
} from "@/lib/registry/manifest";
import { isDigest } from "@/lib/core/digest";
import { parsePlatform } from "@/lib/core/platform";
import { MANIFEST_ACCEPT } from "@/lib/registry/media-types";
import { formatReference, parseReference, type Reference } from "@/lib/core/reference";
import { RegistryClient, type AuthOptions } from "@/lib/registry/transport";

/**
 * The top-level manifest, by tag or digest, with access proven on every call: a HEAD (which Docker
 * Hub does not count against pull limits) names the digest, and bytes already verified come from
 * the disk cache; a GET only for a manifest we have not seen. Fetched bytes must hash to the digest.
 */
async function fetchManifest(client: RegistryClient, reference: string): Promise<{ digest: string; parsed: ParsedManifest }> {
  const pinned = reference.includes(":") ? reference : null;
  const advertised = await headDigest(client, reference);
  const known = pinned ?? advertised;
  const cached = known ? await diskCache().get(`manifest:${known}`) : null;
  if (known && cached) return { digest: known, parsed: parseManifest(await readFile(cached), null) };

  const response = await client.request(`manifests/${reference}`, { accept: MANIFEST_ACCEPT });
  const bytes = await readCapped(response, MANIFEST_LIMIT, "manifest");
  if (pinned) verifyDigest(bytes, pinned, "manifest");
  const digest = pinned ?? digestOf(bytes, advertised ?? "");
  if (!pinned && advertised && advertised !== digest) {
    throw new PortholeError("UPSTREAM_INVALID", `the registry says the manifest is ${advertised} but its bytes hash to ${digest}`);
  }
  const parsed = parseManifest(bytes, response.headers["content-type"] ?? null);
  await diskCache().put(`manifest:${digest}`, bytes);
  return { digest, parsed };
}

/** The digest a registry advertises for a manifest (HEAD), or null when it names none or refuses HEAD. */
async function headDigest(client: RegistryClient, reference: string): Promise<string | null> {
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

/**
 * Bytes addressed by digest that the top-level manifest (fetched with the requester's credentials
 * just now) points at: served from the disk cache when we have them, verified before they go in.
 */
async function byDigest(kind: string, digest: string, fetchBytes: () => Promise<Buffer>): Promise<Buffer> {
  const key = `${kind}:${digest}`;
  const cached = await diskCache().get(key);
  if (cached) return readFile(cached);
  const bytes = await fetchBytes();
  verifyDigest(bytes, digest, kind);
  await diskCache().put(key, bytes);
  return bytes;
}

async function fetchConfig(client: RegistryClient, digest: string): Promise<Record<string, unknown>> {
  const bytes = await byDigest("image config", digest, async () => readCapped(await client.request(`blobs/${digest}`), MANIFEST_LIMIT, "image config"));
  try {
    const config = JSON.parse(bytes.toString("utf8"));
    if (config && typeof config === "object" && !Array.isArray(config)) return config;
  } catch {
    // reported below
  }
  throw new PortholeError("UPSTREAM_INVALID", "the image config is not a JSON object");
}

export interface ResolveOptions extends AuthOptions {
  platform?: string | null;
}

/**
 * Resolves a reference the way `docker pull` does: manifest (through an index to one platform),
 * then config, then history mapped to layers. The result is the public ImageInfo.
 */
export async function resolveImage(refText: string, options: ResolveOptions = {}): Promise<ImageInfo> {
  const ref: Reference = parseReference(refText);
  const wanted: Platform | null = options.platform ? parsePlatform(options.platform) : null;
  const client = await RegistryClient.for(ref, options);

  let top = await fetchManifest(client, ref.digest ?? (ref.tag as string));
  let index: IndexInfo | null = null;
  if (top.parsed.kind === "index") {
    const { platforms, attachments } = indexEntries(top.parsed.manifest);
    index = { digest: top.digest, mediaType: top.parsed.manifest.mediaType, platforms, attachments };
    const chosen = choosePlatform(platforms, wanted);
    const bytes = await byDigest("manifest", chosen.digest, async () =>
      readCapped(await client.request(`manifests/${chosen.digest}`, { accept: MANIFEST_ACCEPT }), MANIFEST_LIMIT, "manifest"),
    );
    top = { digest: chosen.digest, parsed: parseManifest(bytes, chosen.mediaType) };
    if (top.parsed.kind !== "image") throw new PortholeError("UNSUPPORTED", "nested indexes are not supported");
  }
  const { manifest, raw } = top.parsed as Extract<ParsedManifest, { kind: "image" }>;
  const config = await fetchConfig(client, manifest.config.digest);

  const history = Array.isArray(config.history) ? (config.history as HistoryEntry[]) : [];
  const rootfs = config.rootfs as { diff_ids?: unknown } | undefined;
  const diffIds = Array.isArray(rootfs?.diff_ids) ? (rootfs.diff_ids as unknown[]) : [];
  const mapped = mapHistory(history, manifest.layers.length);
  const platform: Platform = {
    os: String(config.os ?? "unknown"),
    architecture: String(config.architecture ?? "unknown"),
    ...(typeof config.variant === "string" && config.variant && { variant: config.variant }),
  };

  return {
    ref: formatReference(ref),
    registry: ref.registry,
    repository: ref.repository,
    tag: ref.tag,
    digest: top.digest,
    mediaType: manifest.mediaType,
    index,
    platform,
    configDigest: manifest.config.digest,
    configMediaType: manifest.config.mediaType,
    config,
    history,
    historyAligned: mapped.aligned,
    layers: manifest.layers.map((layer, i) => ({
      digest: layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
      diffId: typeof diffIds[i] === "string" ? (diffIds[i] as string) : null,
      ...(mapped.layers[i] as (typeof mapped.layers)[number]),
    })),
    manifest: raw,
  };
}
