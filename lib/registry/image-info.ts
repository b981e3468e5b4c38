import type { HistoryEntry, ImageInfo, IndexInfo, Platform } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { runSettings } from "@/lib/core/image-config";
import { mapHistory } from "@/lib/registry/history";
import type { ImageManifest } from "@/lib/registry/manifest-parse";

/**
 * An image as the API describes it (ImageInfo), made from the documents a resolve found, wherever
 * they came from: a registry, or an archive on disk or in the browser. Browser-safe.
 */

/** Where an image was found, as ImageInfo names it. */
export interface ImageOrigin {
  ref: string;
  registry: string;
  repository: string;
  tag: string | null;
}

/** The image manifest a resolve settled on (through an index, if any). */
export interface ChosenImage {
  digest: string;
  manifest: ImageManifest;
  raw: Record<string, unknown>;
}

/** An image config as the JSON object it must be. */
export function imageConfigOf(json: unknown): Record<string, unknown> {
  if (json && typeof json === "object" && !Array.isArray(json)) return json as Record<string, unknown>;
  throw new PortholeError("UPSTREAM_INVALID", "the image config is not a JSON object");
}

/** An image config's text as the JSON object it must be. */
export function parseImageConfig(text: string): Record<string, unknown> {
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: reported as not an object
  }
  return imageConfigOf(json);
}

/** The API's ImageInfo from the parts a resolve found. */
export function imageInfo(origin: ImageOrigin, index: IndexInfo | null, image: ChosenImage, config: Record<string, unknown>): ImageInfo {
  const { manifest } = image;
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
    ...origin,
    digest: image.digest,
    mediaType: manifest.mediaType,
    index,
    platform,
    configDigest: manifest.config.digest,
    configMediaType: manifest.config.mediaType,
    config,
    run: runSettings(config),
    history,
    historyAligned: mapped.aligned,
    layers: manifest.layers.map((layer, i) => ({
      digest: layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
      diffId: typeof diffIds[i] === "string" ? (diffIds[i] as string) : null,
      ...tocDigestOf(layer.annotations),
      ...(mapped.layers[i] as (typeof mapped.layers)[number]),
    })),
    manifest: image.raw,
  };
}

const TOC_DIGEST = "containerd.io/snapshot/stargz/toc.digest";

/** An eStargz layer's table-of-contents digest, when its annotation holds a well-formed one. */
function tocDigestOf(annotations: Record<string, string> | undefined): { tocDigest?: string } {
  const value = annotations?.[TOC_DIGEST];
  return typeof value === "string" && /^sha256:[0-9a-f]{64}$/.test(value) ? { tocDigest: value } : {};
}
