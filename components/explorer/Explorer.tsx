"use client";

import { useState } from "react";
import { Skeleton } from "@/components/ErrorPanel";
import { DetailPane } from "@/components/explorer/DetailPane";
import { ImageErrorPage } from "@/components/explorer/ImageErrorPage";
import { ImageHeader } from "@/components/explorer/ImageHeader";
import { LayerList } from "@/components/explorer/LayerList";
import { TreePane } from "@/components/explorer/TreePane";
import { useExplorerData } from "@/lib/client/explorer-data";
import { usePackages } from "@/lib/client/packages-data";
import { PortholeError } from "@/lib/core/errors";
import type { FsHidden } from "@/lib/core/api-types";
import { unpackFirstView, type PackedFirstView } from "@/lib/core/packed-items";
import { imageUrl, type Location } from "@/lib/core/urls";

/** A big image's treemap goes without the bytes later layers hid: they are per path, and there may be a million. */
const NOTHING_HIDDEN: FsHidden[] = [];
const COLUMN = "flex min-h-[28rem] flex-col lg:max-h-[calc(100vh-12rem)]";

/**
 * The image page: header, layers, file tree and detail; everything it shows comes from the URL.
 * `first`: what the server rendered into the page, shown until the page's own answers come.
 * `wholeTreeMax`: past this many paths, the tree is never fetched whole (PORTHOLE_WHOLE_TREE_MAX_ENTRIES;
 * a local image's is in the browser already).
 */
export function Explorer({
  location,
  first: rendered,
  wholeTreeMax = Infinity,
}: {
  location: Location;
  first?: PackedFirstView;
  wholeTreeMax?: number;
}) {
  // The page's first render only: a navigation in the app renders the page again without one, and
  // the answers it stood for must not go with it.
  const [first] = useState(() => rendered && unpackFirstView(rendered));
  const data = useExplorerData(location, first, wholeTreeMax);
  const { image } = data;
  const { packages } = usePackages(image?.pinned ?? null);
  const { view } = location;
  const hrefFor = (path: string) => imageUrl({ ...location, view: { ...view, path } });

  const missingLayer =
    view.kind === "layer" && image?.layerIndex === -1 ? new PortholeError("NOT_FOUND", `This image has no layer ${view.digest}`) : undefined;
  const pageError = data.imageError ?? missingLayer;
  if (pageError !== undefined) return <ImageErrorPage imageRef={location.ref} error={pageError} onSignedIn={data.retryImage} />;
  if (!image) {
    return (
      <main className="p-6">
        <Skeleton label="Loading image" lines={4} />
      </main>
    );
  }
  return (
    <div className="flex min-h-screen flex-col">
      <ImageHeader image={image.info} figures={data.summary} surface={packages?.surface} location={location} />
      <main className="grid min-h-0 flex-1 grid-cols-1 gap-4 p-4 lg:grid-cols-[20rem_minmax(0,1fr)_minmax(0,1.2fr)]">
        <aside className="min-h-0 overflow-auto lg:max-h-[calc(100vh-12rem)]">
          <LayerList image={image.info} figures={data.summary} inventory={packages?.layers} progress={data.progress} location={location} />
        </aside>
        <div className={COLUMN}>
          <TreePane
            view={view}
            layerIndex={image.layerIndex}
            tree={data.tree}
            provisional={data.provisional}
            partial={data.partial}
            error={data.treeError}
            hrefFor={hrefFor}
            pinned={image.pinned}
            lazy={data.lazy}
          />
        </div>
        <div className={COLUMN}>
          <DetailPane
            location={location}
            pinned={image.pinned}
            layers={image.info.layers}
            tree={data.tree}
            provisional={data.provisional || data.partial}
            figures={data.summary}
            hidden={data.lazy ? NOTHING_HIDDEN : data.fs?.hidden}
            first={first?.file}
            hrefFor={hrefFor}
          />
        </div>
      </main>
    </div>
  );
}
