import "server-only";
import type { DiffResponse, DiffSide } from "@/lib/core/api-types";
import { formatPlatform } from "@/lib/core/platform";
import { compareConfigs } from "@/lib/compare/config";
import { compareFiles, sharedLayerCount } from "@/lib/compare/files";
import type { ImageQuery } from "@/lib/service/image";
import { loadImageFs, type ImageFs } from "@/lib/service/image-fs";

function side({ image, fs }: ImageFs): DiffSide {
  return {
    ref: image.ref,
    digest: image.digest,
    platform: image.platform,
    layers: image.layers.length,
    size: image.layers.reduce((total, layer) => total + layer.size, 0),
    files: fs.files.length,
    efficiency: fs.efficiency,
    wastedBytes: fs.wastedBytes,
  };
}

/**
 * Compares two images: both resolved with their own requester's credentials (each side its own
 * access check) and merged as usual. Their layer listings come from the shared cache, so a base
 * layer both images share is downloaded and read once, however many comparisons name it.
 */
export async function compareImages(a: ImageQuery, b: ImageQuery): Promise<DiffResponse> {
  const [left, right] = await Promise.all([loadImageFs(a), loadImageFs(b)]);
  return compareLoaded(left, right);
}

/** Two merged images compared, wherever their layers came from. */
export function compareLoaded(left: ImageFs, right: ImageFs): DiffResponse {
  const { changes, summary } = compareFiles(left.fs.files, right.fs.files);
  return {
    a: side(left),
    b: side(right),
    sharedLayers: sharedLayerCount(
      left.image.layers.map((layer) => layer.digest),
      right.image.layers.map((layer) => layer.digest),
    ),
    summary,
    changes,
    config: compareConfigs(
      { config: left.image.config, platform: formatPlatform(left.image.platform) },
      { config: right.image.config, platform: formatPlatform(right.image.platform) },
    ),
  };
}
