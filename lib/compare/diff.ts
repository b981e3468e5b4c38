import type { DiffResponse, DiffSide, FsResponse, ImageInfo } from "@/lib/core/api-types";
import { formatPlatform } from "@/lib/core/platform";
import { compareConfigs } from "@/lib/compare/config";
import { compareFiles, sharedLayerCount } from "@/lib/compare/files";

/** One image as a comparison needs it: its /api/v1/image and /api/v1/fs answers (the server's merge, or the browser's). */
export interface ComparedImage {
  image: ImageInfo;
  fs: Pick<FsResponse, "files" | "efficiency" | "wastedBytes">;
}

function side({ image, fs }: ComparedImage): DiffSide {
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
 * Two merged images compared, wherever their layers came from: the server's /api/v1/diff, the CLI's
 * `diff`, and the browser for a local image (whose bytes never reach the server). Pure.
 */
export function compareLoaded(left: ComparedImage, right: ComparedImage): DiffResponse {
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
      { run: left.image.run, platform: formatPlatform(left.image.platform) },
      { run: right.image.run, platform: formatPlatform(right.image.platform) },
    ),
  };
}
