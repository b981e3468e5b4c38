import type { ChangesResponse, DirectoryResponse, FsResponse, FsSummary, ImageInfo, PackagesResponse, SearchResponse } from "@/lib/core/api-types";
import type { ImageView } from "@/lib/core/image-view";
import {
  changedDirApiUrl,
  changesApiUrl,
  dirApiUrl,
  fileApiUrl,
  fsApiUrl,
  getJson,
  imageApiUrl,
  layerEntries,
  packagesApiUrl,
  readFilePart,
  searchApiUrl,
  summaryApiUrl,
} from "@/lib/client/api";

/**
 * A registry image as the browser sees it: each of ImageView's calls is a request to Porthole's
 * API (`ref` as the page names it; pinned by digest once the image is known, so the answers are
 * immutable and shared by caches).
 */
export function httpView(ref: string, platform: string | null): ImageView {
  return {
    image: () => getJson<ImageInfo>(imageApiUrl(ref, platform)),
    fs: (upTo) => getJson<FsResponse>(fsApiUrl(ref, upTo)),
    changes: (layer, page, query) => getJson<ChangesResponse>(changesApiUrl(ref, layer, page, query)),
    changedDirectory: (layer, path, sort) => getJson<DirectoryResponse>(changedDirApiUrl(ref, layer, path, sort)),
    packages: (withFiles) => getJson<PackagesResponse>(packagesApiUrl(ref, withFiles)),
    directory: (path, upTo, sort) => getJson<DirectoryResponse>(dirApiUrl(ref, path, upTo, sort)),
    summary: (upTo) => getJson<FsSummary>(summaryApiUrl(ref, upTo)),
    search: (query, upTo, limit, after) => getJson<SearchResponse>(searchApiUrl(ref, query, upTo, limit, after)),
    filePart: (file, offset, length, signal) => readFilePart(fileApiUrl(ref, file.path, { layer: file.layer }), offset, length, signal),
    layerEntries: (digest, signal) => layerEntries(ref, digest, signal),
  };
}
