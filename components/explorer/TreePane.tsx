import { ErrorPanel, Skeleton } from "@/components/ErrorPanel";
import { FileTree } from "@/components/explorer/FileTree";
import type { LazyView } from "@/lib/client/explorer-data";
import type { TreeNode } from "@/lib/core/tree";
import type { View } from "@/lib/core/urls";

interface TreePaneProps {
  view: View;
  layerIndex: number | null;
  tree: TreeNode | null;
  provisional: boolean;
  /** Only the top of the tree and the way down to the link are here yet (the server rendered them). */
  partial: boolean;
  error: unknown;
  hrefFor: (path: string) => string;
  /** The image's pinned ref, for the tree's `pkg:NAME` filter. */
  pinned: string;
  /** A big image: its files, and a layer's changes, come a directory at a time. */
  lazy: LazyView | null;
}

/** What a big image's view does otherwise, said where the view is named. */
function lazyNote(view: View): string {
  return `big image: directories load as they open${view.kind === "fs" && view.upTo !== null ? "; changes are not marked" : ""}`;
}

/** The middle column: what the view is, and its files. */
export function TreePane({ view, layerIndex, tree, provisional, partial, error, hrefFor, pinned, lazy }: TreePaneProps) {
  const title = view.kind === "layer" ? `Changes of layer ${layerIndex}` : view.upTo !== null ? `Layers 0–${view.upTo}` : "Merged filesystem";
  // Another view is another tree: its expansion, filter and focus start afresh.
  const treeKey = `${view.kind}:${view.kind === "layer" ? view.digest : view.upTo}`;
  return (
    <>
      <h2 className="pb-2 text-sm font-medium">
        {title}
        {provisional && (
          <span role="status" className="ml-2 font-normal text-zinc-500">
            reading layers… deletions not applied yet
          </span>
        )}
        {partial && (
          <span role="status" className="ml-2 font-normal text-zinc-500">
            loading the rest…
          </span>
        )}
        {lazy && !partial && <span className="ml-2 font-normal text-zinc-500">{lazyNote(view)}</span>}
      </h2>
      {error !== undefined && <ErrorPanel error={error} />}
      {error === undefined && !tree && <Skeleton label="Loading files" lines={12} />}
      {tree && <FileTree key={treeKey} root={tree} selectedPath={view.path} hrefFor={hrefFor} label={title} pinned={pinned} lazy={lazy} />}
    </>
  );
}
