import "server-only";
import type { Readable } from "node:stream";
import type { ImageInfo } from "@/lib/core/api-types";
import type { LayerReadOptions } from "@/lib/layer/read";
import type { AuthOptions } from "@/lib/registry/auth";
import { openBlob, openBlobRange } from "@/lib/registry/blob";
import { resolveImage, type ImageQuery } from "@/lib/service/image";

/**
 * One layer's bytes and how to check them, wherever they are: a registry's blob, or a file in an
 * archive. The services read layers only through this, so the web app and the command line (which
 * also reads archives) list, merge and open them the same way.
 */
export interface LayerSource {
  /** The layer's identity and cache key: its blob digest (a docker-archive's layers: their diff_id, as skopeo names them). */
  digest: string;
  /** What the bytes must hash to, checked as they stream: the blob digest (as stored) and the diff_id (uncompressed). */
  check: Pick<LayerReadOptions, "digest" | "diffId">;
  /** The layer's bytes as stored (compressed or not). */
  open(): Promise<Readable>;
  /** Compressed size, when known before reading (a manifest says it). */
  size?: number;
  /** eStargz: the digest its table of contents must have, from the manifest (so the layer can be listed from it). */
  tocDigest?: string;
  /** Bytes [from, to) as stored, where the source can serve part of a layer (`partial` false: it sent the whole). */
  openRange?(from: number, to: number): Promise<{ body: Readable; partial: boolean }>;
}

/** An image and where each of its layers comes from, in the order of `image.layers`. */
export interface ImageSource {
  image: ImageInfo;
  layers: LayerSource[];
}

/** A layer blob of a registry repository, fetched with `auth`'s credentials (and its client's share of downloads). */
export function registryLayer(
  repository: { registry: string; repository: string },
  layer: { digest: string; diffId?: string | null; size?: number; tocDigest?: string },
  auth: AuthOptions,
): LayerSource {
  return {
    digest: layer.digest,
    check: { digest: layer.digest, diffId: layer.diffId },
    open: async () => (await openBlob(repository, layer.digest, auth)).body,
    ...(layer.size !== undefined ? { size: layer.size } : {}),
    ...(layer.tocDigest !== undefined ? { tocDigest: layer.tocDigest } : {}),
    openRange: (from, to) => openBlobRange(repository, layer.digest, from, to, auth),
  };
}

/**
 * The registry image a request names, resolved with the requester's own credentials (its layers
 * fetched with them): that proves their access, so what the services keep per digest is only
 * reached by requesters the registry just let through.
 */
export async function registryImage(query: ImageQuery): Promise<ImageSource> {
  const image = await resolveImage(query);
  return { image, layers: image.layers.map((layer) => registryLayer(image, layer, query.auth)) };
}

/**
 * A layer of the image `query` names, by digest: as its manifest describes it (size, eStargz TOC
 * digest) when it is one of the image's layers, else just the blob (`size` from the registry).
 */
export async function queriedLayer(query: ImageQuery, digest: string, size: number | undefined): Promise<LayerSource> {
  // Access to the blob is proven already; an image that cannot be resolved only means no description.
  const image = await resolveImage(query).catch(() => null);
  const described = image?.layers.find((layer) => layer.digest === digest);
  return registryLayer(query.ref, described ?? { digest, ...(size !== undefined && { size }) }, query.auth);
}
