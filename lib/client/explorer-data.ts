import { useMemo } from "react";
import type { ChangesResponse, FsResponse, FsSummary, ImageInfo } from "@/lib/core/api-types";
import type { FirstView } from "@/lib/core/image-view";
import { useViewAnswer, useViewSource } from "@/lib/client/views";
import { useLayerStreams, type LayerProgress } from "@/lib/client/layer-streams";
import { useLazyTree, type LazyOf } from "@/lib/client/lazy-tree";
import { buildTree, type TreeItem, type TreeNode } from "@/lib/core/tree";
import type { Location, View } from "@/lib/core/urls";

export interface ResolvedImage {
  info: ImageInfo;
  /** The ref pinned to the manifest digest: every request after the first names it, so all agree. */
  pinned: string;
  /** The layer the view is about (a layer's changes, or everything up to it); -1: the image has no such layer. */
  layerIndex: number | null;
}

export interface ExplorerData {
  image: ResolvedImage | null;
  imageError: unknown;
  /** Asks for the image again, e.g. after signing in to its registry. */
  retryImage: () => void;
  /** The merged filesystem's figures (of all layers). */
  summary: FsSummary | undefined;
  /** The merged filesystem of all layers, when it is small enough to fetch whole. */
  fs: FsResponse | undefined;
  tree: TreeNode | null;
  /** The tree is only what the layer streams have shown so far: deletions are not applied yet. */
  provisional: boolean;
  /** The tree is the part the server rendered: the rest is on its way. */
  partial: boolean;
  treeError: unknown;
  progress: LayerProgress[];
  /** The image is too big to fetch whole: its tree comes a directory at a time, its filter from the server. */
  lazy: LazyView | null;
}

export interface LazyView {
  /** Loads a directory's children (when it is opened). */
  open: (path: string) => void;
  /** The tree shown, which the server searches: the files of layers 0..upTo, or a layer's changes. */
  of: LazyOf;
}

interface Sources {
  whole: FsResponse | undefined;
  upTo: FsResponse | undefined;
  changes: ChangesResponse | undefined;
  streamed: TreeItem[] | null;
}

/**
 * What the tree shows for a view: a layer's changes; the merged files (what the layer streams have
 * shown until they are ready); or the files up to a layer, marked with that layer's changes,
 * removals included. Null while what it needs is loading.
 */
function viewItems(view: View, { whole, upTo, changes, streamed }: Sources): TreeItem[] | null {
  if (view.kind === "layer") return changes?.changes ?? null;
  if (view.upTo === null) return whole?.files ?? streamed;
  if (!upTo || !changes) return null;
  const changed = new Map(changes.changes.map((c) => [c.path, c]));
  const removed = changes.changes.filter((c) => c.change === "removed");
  return [...upTo.files.map((f) => ({ ...f, change: changed.get(f.path)?.change })), ...removed];
}

/**
 * Everything the image page shows, fetched as the URL says; later requests wait for the pinned ref.
 * An image of more than `wholeTreeMax` paths is never fetched whole: the page holds what it shows.
 */
export function useExplorerData({ ref, platform, view }: Location, first: FirstView | undefined, wholeTreeMax: number): ExplorerData {
  const source = useViewSource();
  // The image the server rendered the page with is not asked for again.
  const image = useViewAnswer(ref, platform, "image", [], { revalidateOnFocus: false, fallbackData: first?.image, revalidateOnMount: !first });
  const info = image.data;
  const pinned = info ? source.pinned(info) : null;
  const layerIndex = info ? (view.kind === "layer" ? info.layers.findIndex((l) => l.digest === view.digest) : view.upTo) : null;

  const summary = useViewAnswer(pinned, null, "summary", [null]);
  const big = summary.data ? summary.data.entries > wholeTreeMax : null;
  const small = big === false ? pinned : null;
  const whole = useViewAnswer(small, null, "fs", [null]);
  const upToLayer = view.kind === "fs" ? view.upTo : null;
  const upTo = useViewAnswer(upToLayer !== null ? small : null, null, "fs", [upToLayer]);
  const hasLayer = layerIndex !== null && layerIndex >= 0;
  // A small image's changes come whole; a big one's layer is browsed a directory at a time, and a view up to a layer shows its files without marks.
  const changes = useViewAnswer(hasLayer && big === false ? pinned : null, null, "changes", [layerIndex ?? 0]);
  // The layers stream (for their progress, and a first tree) only while nothing better is at hand.
  const streaming = summary.data === undefined && !first?.items.length;
  const streams = useLayerStreams(streaming ? pinned : null, info?.layers);
  // Named before the image is known to be big: the server's first view seeds it, and must not be dropped once it is.
  const lazyOf: LazyOf | null = view.kind === "fs" ? { upTo: upToLayer } : hasLayer ? { layer: layerIndex } : null;
  const lazy = useLazyTree(big && lazyOf ? pinned : null, lazyOf, view.path, first?.items);

  const items = useMemo(
    // The server's first view is exact where it reaches; the layer streams' tree is neither exact nor, at first, anything.
    () => viewItems(view, { whole: whole.data, upTo: upTo.data, changes: changes.data, streamed: first?.items.length ? null : streams.provisional }),
    [view, whole.data, upTo.data, changes.data, streams.provisional, first],
  );
  const lazyTree = big === true && lazyOf !== null;
  const partial = lazyTree ? lazy.pending : items === null && first !== undefined && first.items.length > 0;
  const shown = items ?? (partial ? (first?.items ?? null) : null);
  const built = useMemo(() => (shown ? buildTree(shown) : null), [shown]);
  const { mutate } = image;

  return {
    image: info && pinned ? { info, pinned, layerIndex } : null,
    imageError: image.error,
    retryImage: () => void mutate(),
    summary: summary.data,
    fs: whole.data,
    tree: lazyTree ? lazy.tree : built,
    provisional: view.kind === "fs" && view.upTo === null && !whole.data && !lazyTree && items !== null,
    partial,
    treeError: summary.error ?? whole.error ?? upTo.error ?? changes.error ?? (lazyTree ? lazy.error : undefined),
    progress: streaming ? streams.progress : [],
    lazy: big && lazyOf ? { open: lazy.open, of: lazyOf } : null,
  };
}
