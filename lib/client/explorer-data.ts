import { useMemo } from "react";
import type { ChangesResponse, FsResponse, ImageInfo } from "@/lib/core/api-types";
import type { FirstView } from "@/lib/core/image-view";
import { useViewAnswer, useViewSource } from "@/lib/client/views";
import { useLayerStreams, type LayerProgress } from "@/lib/client/layer-streams";
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
  /** The merged filesystem of all layers, with the image's figures. */
  fs: FsResponse | undefined;
  tree: TreeNode | null;
  /** The tree is only what the layer streams have shown so far: deletions are not applied yet. */
  provisional: boolean;
  /** The tree is the part the server rendered: the rest is on its way. */
  partial: boolean;
  treeError: unknown;
  progress: LayerProgress[];
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

/** Everything the image page shows, fetched as the URL says; later requests wait for the pinned ref. */
export function useExplorerData({ ref, platform, view }: Location, first?: FirstView): ExplorerData {
  const source = useViewSource();
  // The image the server rendered the page with is not asked for again.
  const image = useViewAnswer(ref, platform, "image", [], { revalidateOnFocus: false, fallbackData: first?.image, revalidateOnMount: !first });
  const info = image.data;
  const pinned = info ? source.pinned(info) : null;
  const layerIndex = info ? (view.kind === "layer" ? info.layers.findIndex((l) => l.digest === view.digest) : view.upTo) : null;

  const whole = useViewAnswer(pinned, null, "fs", [null]);
  const upToLayer = view.kind === "fs" ? view.upTo : null;
  const upTo = useViewAnswer(upToLayer !== null ? pinned : null, null, "fs", [upToLayer]);
  const changes = useViewAnswer(layerIndex !== null && layerIndex >= 0 ? pinned : null, null, "changes", [layerIndex ?? 0]);
  const streams = useLayerStreams(pinned, info?.layers);

  const items = useMemo(
    // The server's first view is exact where it reaches; the layer streams' tree is neither exact nor, at first, anything.
    () => viewItems(view, { whole: whole.data, upTo: upTo.data, changes: changes.data, streamed: first?.items.length ? null : streams.provisional }),
    [view, whole.data, upTo.data, changes.data, streams.provisional, first],
  );
  const partial = items === null && first !== undefined && first.items.length > 0;
  const shown = items ?? (partial ? (first?.items ?? null) : null);
  const tree = useMemo(() => (shown ? buildTree(shown) : null), [shown]);
  const { mutate } = image;

  return {
    image: info && pinned ? { info, pinned, layerIndex } : null,
    imageError: image.error,
    retryImage: () => void mutate(),
    fs: whole.data,
    tree,
    provisional: view.kind === "fs" && view.upTo === null && !whole.data && items !== null,
    partial,
    treeError: whole.error ?? upTo.error ?? changes.error,
    progress: streams.progress,
  };
}
