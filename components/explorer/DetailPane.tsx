import dynamic from "next/dynamic";
import Link from "next/link";
import { ErrorPanel, Skeleton } from "@/components/ErrorPanel";
import { Figures } from "@/components/explorer/Figures";
import { FileOwner } from "@/components/explorer/FileOwner";
import { FileViewer } from "@/components/explorer/FileViewer";
import { formatBytes } from "@/lib/core/format";
import { directoryLinks, throughLinks } from "@/lib/client/package-owners";
import { findNode, type TreeNode } from "@/lib/core/tree";
import { useOrigin } from "@/lib/client/use-origin";
import type { FsFigures, FsHidden, LayerInfo } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import type { FirstView } from "@/lib/core/image-view";
import { linkTarget } from "@/lib/core/paths";
import { imageUrl, PACKAGES_HASH, TREEMAP_HASH, type Location } from "@/lib/core/urls";

// Loaded only where they are shown (the image's root, a merged directory): a link to a file or a
// big image's directory paints before their code is fetched, parsed and run.
const ImageOverview = dynamic(() => import("@/components/packages/ImageOverview").then((module) => module.ImageOverview));
const TreemapPanel = dynamic(() => import("@/components/treemap/TreemapPanel").then((module) => module.TreemapPanel));

interface DetailPaneProps {
  location: Location;
  pinned: string;
  layers: readonly LayerInfo[];
  tree: TreeNode | null;
  provisional: boolean;
  figures: FsFigures | undefined;
  /** The bytes later layers hid, per path (a big image's page goes without: none). */
  hidden: FsHidden[] | undefined;
  /** The link to a path in the current view. */
  hrefFor: (path: string) => string;
  /** The linked file's first page, when the server rendered it into the page. */
  first?: FirstView["file"];
}

/** The right-hand column: the selected file, a directory's summary, or at the root the image's figures and packages. */
export function DetailPane({ location, pinned, layers, tree, provisional, figures, hidden, hrefFor, first }: DetailPaneProps) {
  const origin = useOrigin();
  const { view } = location;
  const selected = tree ? findNode(tree, view.path) : null;

  if (selected && selected.type !== "dir") {
    // In a layer's view the file is that layer's; in a merged view, the layer's its visible version comes from.
    const layer = (view.kind === "layer" ? view.digest : selected.layer === undefined ? undefined : layers[selected.layer]?.digest) ?? null;
    const rendered = first && first.ref.path === selected.path && first.ref.layer === layer ? first : undefined;
    return (
      <FileViewer
        node={selected}
        target={{ ref: pinned, file: { path: selected.path, layer } }}
        first={rendered}
        permalink={`${origin}${imageUrl({ ...location, ref: pinned, platform: null, view: { ...view, path: selected.path } })}`}
        targetHref={selected.linkname ? hrefFor(linkTarget(selected.path, selected.linkname, selected.type)) : null}
        owner={tree && <FileOwner pinned={pinned} path={selected.path} root={tree} />}
      />
    );
  }
  if (tree && !selected) {
    if (provisional) return <Skeleton label="Reading layers" />;
    return (
      <ErrorPanel
        error={new PortholeError("NOT_FOUND", `${view.path} is not in this view: a later layer may have removed it, or it is in another layer`)}
      />
    );
  }
  // The merged filesystem (all layers) is what the treemap draws; a layer's or a partial view is not.
  const merged = view.kind === "fs" && view.upTo === null;
  const treemapOf = (dir: TreeNode) =>
    tree && figures && hidden && merged ? (
      <TreemapPanel dir={dir} tree={tree} figures={figures} hidden={hidden} pinned={pinned} hrefFor={hrefFor} />
    ) : null;
  if (selected && view.path !== "/") {
    return (
      <section aria-label="Directory" className="overflow-auto rounded border border-zinc-200 text-sm dark:border-zinc-800">
        <p className="px-3 pt-3 font-mono font-medium">{selected.path}/</p>
        <p className="mt-1 px-3 text-zinc-500">
          {selected.children.length} entries · {formatBytes(selected.total)}
        </p>
        {treemapOf(selected)}
      </section>
    );
  }
  const layerHref = (index: number) => {
    const digest = layers[index]?.digest;
    return digest ? `${imageUrl({ ...location, view: { kind: "layer", digest, path: "/" } })}${PACKAGES_HASH}` : null;
  };
  // Package databases name files as installed (/bin/ls); a usrmerged image has them under the link's target.
  const links = tree ? directoryLinks(tree) : [];
  const fileHref = (path: string) => imageUrl({ ...location, view: { kind: "fs", path: throughLinks(path, links), upTo: null } });
  return (
    <ImageOverview
      image={location}
      pinned={pinned}
      layerHref={layerHref}
      fileHref={fileHref}
      treemap={
        merged ? (
          ((tree && treemapOf(tree)) ?? <Skeleton label="Loading the treemap" />)
        ) : (
          <Link
            href={`${imageUrl({ ...location, view: { kind: "fs", path: "/", upTo: null } })}${TREEMAP_HASH}`}
            className="p-3 text-sm text-sky-600"
          >
            The treemap is of the merged filesystem of all layers: open it there
          </Link>
        )
      }
    >
      {figures ? (
        <Figures figures={figures} hrefFor={(path) => imageUrl({ ...location, view: { kind: "fs", path, upTo: null } })} />
      ) : (
        <Skeleton label="Loading figures" />
      )}
    </ImageOverview>
  );
}
