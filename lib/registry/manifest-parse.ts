import { PortholeError } from "@/lib/core/errors";
import type { IndexAttachment, IndexPlatform, Platform } from "@/lib/core/api-types";
import { isDigest } from "@/lib/core/digest";
import { formatPlatform } from "@/lib/core/platform";
import { isImageType, isIndexType, MEDIA } from "@/lib/registry/media-types";

/**
 * Manifests and indexes as JSON values: their shape, the platforms of an index and the choice of one.
 * Browser-safe (no hashing, no Buffer), so an image read from a local archive in the browser is
 * understood by the same rules as one from a registry.
 */

/** Manifests and configs are small JSON: anything larger is hostile or broken. */
export const MANIFEST_LIMIT = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform & { "os.version"?: string };
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface IndexManifest {
  mediaType: string;
  manifests: Descriptor[];
}

export type ParsedManifest =
  { kind: "image"; manifest: ImageManifest; raw: Record<string, unknown> } | { kind: "index"; manifest: IndexManifest; raw: Record<string, unknown> };

/**
 * A parsed manifest's kind and parts. The media type comes from the body when present, else the
 * Content-Type, else the shape (OCI allows omitting mediaType): `manifests` means an index, `layers` an image.
 */
export function manifestFromJson(json: unknown, contentType: string | null): ParsedManifest {
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new PortholeError("UPSTREAM_INVALID", "the manifest is not a JSON object");
  const raw = json as Record<string, unknown>;
  const declared = typeof raw.mediaType === "string" ? raw.mediaType : (contentType?.split(";")[0]?.trim() ?? "");
  if (raw.schemaVersion === 1 || declared === MEDIA.dockerSchema1 || declared === MEDIA.dockerSchema1Signed) {
    throw new PortholeError(
      "UNSUPPORTED",
      "Docker schema 1 manifests are not supported (deprecated since 2017): push the image again with a current client",
    );
  }
  const mediaType =
    isIndexType(declared) || isImageType(declared)
      ? declared
      : Array.isArray(raw.manifests)
        ? MEDIA.ociIndex
        : Array.isArray(raw.layers)
          ? MEDIA.ociManifest
          : declared;

  if (isIndexType(mediaType)) {
    if (!Array.isArray(raw.manifests)) throw new PortholeError("UPSTREAM_INVALID", "the index has no manifests list");
    return { kind: "index", manifest: { mediaType, manifests: raw.manifests.map(descriptor) }, raw };
  }
  if (isImageType(mediaType)) {
    if (!raw.config || !Array.isArray(raw.layers)) throw new PortholeError("UPSTREAM_INVALID", "the image manifest lacks config or layers");
    return { kind: "image", manifest: { mediaType, config: descriptor(raw.config), layers: raw.layers.map(descriptor) }, raw };
  }
  throw new PortholeError("UNSUPPORTED", `unsupported manifest media type "${mediaType || "unknown"}"`);
}

function descriptor(value: unknown): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (!d || typeof d.digest !== "string" || !isDigest(d.digest)) {
    throw new PortholeError("UPSTREAM_INVALID", "the manifest has a descriptor without a valid digest");
  }
  return { mediaType: String(d.mediaType ?? ""), digest: d.digest, size: Number(d.size ?? 0), platform: d.platform, annotations: d.annotations };
}

const ATTESTATION = "attestation-manifest";

/** Splits an index into runnable platforms and the rest (BuildKit attestations, unknown entries). */
export function indexEntries(index: IndexManifest): { platforms: IndexPlatform[]; attachments: IndexAttachment[] } {
  const platforms: IndexPlatform[] = [];
  const attachments: IndexAttachment[] = [];
  for (const entry of index.manifests) {
    const type = entry.annotations?.["vnd.docker.reference.type"];
    const os = entry.platform?.os;
    const architecture = entry.platform?.architecture;
    if (type === ATTESTATION || !os || !architecture || os === "unknown" || architecture === "unknown") {
      attachments.push({
        digest: entry.digest,
        mediaType: entry.mediaType,
        kind: type === ATTESTATION ? "attestation" : "unknown",
        ...(entry.annotations?.["vnd.docker.reference.digest"] && { refersTo: entry.annotations["vnd.docker.reference.digest"] }),
      });
      continue;
    }
    platforms.push({
      os,
      architecture,
      ...(entry.platform?.variant && { variant: entry.platform.variant }),
      digest: entry.digest,
      mediaType: entry.mediaType,
      size: entry.size,
    });
  }
  return { platforms, attachments };
}

/** Variants a platform implies when none is written (arm64 is v8, arm is v7 by convention). */
function normalVariant(p: Platform): string | undefined {
  if (p.variant) return p.variant;
  if (p.architecture === "arm64") return "v8";
  return undefined;
}

/**
 * Picks the image of an index: the requested platform (variant-tolerant: arm64 and arm64/v8 are one),
 * else linux/amd64, else the first runnable one. NOT_FOUND lists what the index offers.
 */
export function choosePlatform(platforms: IndexPlatform[], wanted: Platform | null): IndexPlatform {
  const matches = (p: IndexPlatform, w: Platform) =>
    p.os === w.os && p.architecture === w.architecture && (!w.variant || normalVariant(p) === normalVariant(w));
  if (wanted) {
    const found = platforms.find((p) => matches(p, wanted));
    if (found) return found;
    const offered = platforms.map(formatPlatform).join(", ") || "none";
    throw new PortholeError("NOT_FOUND", `the image has no ${formatPlatform(wanted)} variant (it offers: ${offered})`, {
      details: { platforms: platforms.map(formatPlatform) },
    });
  }
  const chosen = platforms.find((p) => matches(p, { os: "linux", architecture: "amd64" })) ?? platforms[0];
  if (!chosen) throw new PortholeError("NOT_FOUND", "the index lists no runnable platform");
  return chosen;
}
