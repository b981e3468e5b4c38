import type { DiffResponse, DiffSide, FsResponse, ImageInfo } from "@/lib/core/api-types";
import { pageOf, type Page } from "@/lib/core/paging";
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
    total: changes.length,
    config: compareConfigs(
      { run: left.image.run, platform: formatPlatform(left.image.platform) },
      { run: right.image.run, platform: formatPlatform(right.image.platform) },
    ),
  };
}

/** How many changes the compare page asks for at a time: a comparison of two big images can change a million paths. */
export const DIFF_PAGE = 5_000;

/** A page of a comparison's changes (those at or below `under`, if given), in path order; the rest of the answer whole. */
export function diffPage(diff: DiffResponse, page: Page, under: string | null = null): DiffResponse {
  const inside = under === null || under === "/" ? diff.changes : diff.changes.filter((c) => c.path === under || c.path.startsWith(`${under}/`));
  const { items, next } = pageOf(inside, page);
  return { ...diff, changes: items, ...(next !== undefined && { next }) };
}
