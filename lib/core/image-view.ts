import type {
  ChangesResponse,
  DirectoryResponse,
  FsResponse,
  FsSummary,
  ImageInfo,
  LayerEntry,
  PackagesResponse,
  SearchResponse,
} from "@/lib/core/api-types";
import type { Page } from "@/lib/core/paging";
import type { SortKey, TreeItem } from "@/lib/core/tree";

/** A file of an image: as the merged filesystem has it (`layer` null), or as the layer with that digest has it. */
export interface FileRef {
  path: string;
  layer: string | null;
}

/** `bytes` of a file from some offset, and the whole file's size. */
export interface FilePart {
  bytes: Uint8Array;
  size: number;
}

/**
 * One image, wherever it is: what the explorer, the API and the command line ask of it, with typed
 * answers. Three implementations answer it the same way: a registry image on the server
 * (lib/service/source-view.ts: the routes and the command line call it), an archive opened in
 * the browser (the worker, lib/local/local-image.ts, reached through lib/client/local-source.ts),
 * and the API seen from the browser (lib/client/http-view.ts).
 */
export interface ImageView {
  /** The image as its manifest and config describe it. */
  image(): Promise<ImageInfo>;
  /** The merged filesystem of layers 0..`upTo` (all: null), with dive's figures. */
  fs(upTo: number | null): Promise<FsResponse>;
  /** The figures of the merged filesystem of layers 0..`upTo` (all: null) without its files: the same at any size. */
  summary(upTo: number | null): Promise<FsSummary>;
  /**
   * What layer `layer` (0 is the bottom) did to the layers below it, in path order: all of it, or a
   * `page`; with `query`, the changes whose paths it matches (a substring or a glob, as the tree's filter).
   */
  changes(layer: number, page?: Page, query?: string): Promise<ChangesResponse>;
  /**
   * One directory of what layer `layer` changed, as its view draws it: the changes in it and the
   * directories on the way to changes further down (no `change`), each with the size of the changes below.
   */
  changedDirectory(layer: number, path: string, sort?: SortKey): Promise<DirectoryResponse>;
  /** What is installed, per-layer inventory changes and the attack surface; `withFiles`: each package's files too. */
  packages(withFiles: boolean): Promise<PackagesResponse>;
  /** One directory of the merged filesystem of layers 0..`upTo`: its children (by name, or biggest first), each directory with its contents' size. */
  directory(path: string, upTo: number | null, sort?: SortKey): Promise<DirectoryResponse>;
  /**
   * The paths of the merged filesystem of layers 0..`upTo` that `query` matches (a substring or a
   * glob, as the tree's filter), in path order: the first `limit` after the path `after` (a page).
   */
  search(query: string, upTo: number | null, limit: number, after?: string): Promise<SearchResponse>;
  /** `length` bytes of a file from `offset` (hard links read as their target). */
  filePart(file: FileRef, offset: number, length: number, signal?: AbortSignal): Promise<FilePart>;
  /** A layer's entries, in archive order, as they are read; throws when the layer turns out bad. */
  layerEntries(digest: string, signal?: AbortSignal): AsyncIterable<LayerEntry>;
}

/** The methods answered with one JSON value: what the API's JSON endpoints and the worker's replies carry. */
export type JsonMethod = "image" | "fs" | "summary" | "changes" | "changedDirectory" | "packages" | "directory" | "search";

/** A call of one of them, typed by the interface: the worker protocol and the SWR keys are made of these. */
export type ViewCall = { [M in JsonMethod]: { method: M; args: Parameters<ImageView[M]> } }[JsonMethod];

export type ViewAnswer<M extends JsonMethod> = Awaited<ReturnType<ImageView[M]>>;

/** Makes a call on a view. */
export function callView(view: ImageView, call: ViewCall): Promise<unknown> {
  // Each method's arguments are typed by the union's own member; TypeScript cannot follow it through the index.
  const method = view[call.method] as (...args: unknown[]) => Promise<unknown>;
  return method.apply(view, call.args);
}

/**
 * What the server renders of an image page before any script runs (lib/service/first-view.ts):
 * the header, the tree down to the linked path, the linked file's text. The page shows it until
 * its own answers come.
 */
export interface FirstView {
  image: ImageInfo;
  /** The top of the tree and every directory down to the linked path, each with all its children. */
  items: TreeItem[];
  /** The linked file's first bytes as text (`size`: the whole file's), when they are text. */
  file?: { ref: FileRef; text: string; size: number };
}
