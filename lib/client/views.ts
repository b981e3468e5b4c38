import { createContext, useContext } from "react";
import useSWR, { type SWRConfiguration, type SWRResponse } from "swr";
import type { ImageInfo } from "@/lib/core/api-types";
import { callView, type FilePart, type FileRef, type ImageView, type JsonMethod, type ViewAnswer, type ViewCall } from "@/lib/core/image-view";
import { fileApiUrl } from "@/lib/client/api";
import { httpView } from "@/lib/client/http-view";
import { pinnedRef } from "@/lib/core/urls";

/** A file of the image a ref names. */
export interface FileTarget {
  ref: string;
  file: FileRef;
}

/** A file target as a string, for effects to depend on (a new object for the same file is no change); `targetOf` reads it back. */
export const targetKey = ({ ref, file }: FileTarget): string => JSON.stringify([ref, file.layer, file.path]);

function targetOf(key: string): FileTarget {
  const [ref, layer, path] = JSON.parse(key) as [string, string | null, string];
  return { ref, file: { path, layer } };
}

/** `length` bytes of the file from `offset`, from the page's source. */
export function readTarget(source: ViewSource, key: string, offset: number, length: number, signal?: AbortSignal): Promise<FilePart> {
  const { ref, file } = targetOf(key);
  return source.view(ref, null).filePart(file, offset, length, signal);
}

/**
 * Where the page's images come from: the API for registry images, the worker reading a local
 * archive for a local image (lib/client/local-source.ts), each side's own for a comparison with a
 * local side. The views ask it for an ImageView and never care which.
 */
export interface ViewSource {
  /** The image `ref` names (for `platform`: null for a pinned ref, or the default). */
  view(ref: string, platform: string | null): ImageView;
  /** The ref that names exactly this image from now on. */
  pinned(info: ImageInfo): string;
  /** The API's URL for a file, to load or save; null for a local image's, whose bytes are read here. */
  fileUrl(target: FileTarget, download: boolean): string | null;
  /** The image is in a file in this browser, not in a registry. */
  local: boolean;
}

export const apiViews: ViewSource = {
  view: httpView,
  pinned: (info) => pinnedRef(info.ref, info.digest),
  fileUrl: ({ ref, file }, download) => fileApiUrl(ref, file.path, { layer: file.layer, download }),
  local: false,
};

const ViewSourceContext = createContext<ViewSource>(apiViews);

export const ViewSourceProvider = ViewSourceContext.Provider;

/** The page's view source: the API unless a local image's page provides its worker. */
export function useViewSource(): ViewSource {
  return useContext(ViewSourceContext);
}

// Digest-addressed answers never change: fetch once, never revalidate.
const IMMUTABLE: SWRConfiguration = { revalidateOnFocus: false, revalidateIfStale: false, revalidateOnReconnect: false };

/**
 * One of ImageView's JSON answers for the image `ref` names (null: not yet known, nothing is
 * asked), through SWR: one request per call however many views ask.
 */
export function useViewAnswer<M extends JsonMethod>(
  ref: string | null,
  platform: string | null,
  method: M,
  args: Parameters<ImageView[M]>,
  config: SWRConfiguration = IMMUTABLE,
): SWRResponse<ViewAnswer<M>> {
  const source = useViewSource();
  const call = { method, args } as ViewCall;
  const key = ref === null ? null : ["view", ref, platform, method, ...args];
  return useSWR(key, () => callView(source.view(ref as string, platform), call) as Promise<ViewAnswer<M>>, config);
}
