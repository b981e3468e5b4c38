import { createContext, useContext } from "react";
import type { ImageInfo, LayerEntry } from "@/lib/core/api-types";
import { getJson, layerEntries, readFilePart, type FilePart } from "@/lib/client/api";
import { pinnedRef } from "@/lib/core/urls";

/**
 * Where the explorer's data comes from. The views ask by API URL (`/api/v1/fs?ref=…`, built by
 * lib/client/api.ts) whatever the image is: a registry image's are fetched from the server, a local
 * archive's are answered in this tab by the worker that reads it (lib/client/local-source.ts).
 */
export interface DataSource {
  /** GETs an API answer (the SWR fetcher). */
  getJson<T>(url: string): Promise<T>;
  /** `length` bytes of the file a `fileApiUrl` names, from `offset`. */
  readFilePart(url: string, offset: number, length: number, signal: AbortSignal): Promise<FilePart>;
  /** A layer's entries as they are read; throws if the layer turns out bad. */
  layerEntries(ref: string, digest: string, signal?: AbortSignal): AsyncGenerator<LayerEntry>;
  /** The ref that names exactly this image from now on. */
  pinned(info: ImageInfo): string;
  /** A URL the browser can load or save for the file a `fileApiUrl` names (`size` bytes). */
  fileHref(url: string, size: number): Promise<string>;
  /** The image is in a file in this browser, not in a registry. */
  local: boolean;
}

export const apiSource: DataSource = {
  getJson,
  readFilePart,
  layerEntries,
  pinned: (info) => pinnedRef(info.ref, info.digest),
  fileHref: async (url) => url,
  local: false,
};

const DataSourceContext = createContext<DataSource>(apiSource);

export const DataSourceProvider = DataSourceContext.Provider;

/** The page's data source: the API unless a local image's page provides its worker. */
export function useDataSource(): DataSource {
  return useContext(DataSourceContext);
}
