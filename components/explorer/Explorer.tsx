"use client";

import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import useSWR from "swr";
import type { ChangesResponse, FsResponse, ImageInfo } from "@/lib/core/api-types";
import { ErrorPanel, Skeleton } from "@/components/ErrorPanel";
import { Figures } from "@/components/explorer/Figures";
import { FileTree } from "@/components/explorer/FileTree";
import { FileViewer } from "@/components/explorer/FileViewer";
import { ImageHeader } from "@/components/explorer/ImageHeader";
import { LayerList } from "@/components/explorer/LayerList";
import { fetchJson } from "@/lib/client/fetcher";
import { formatBytes } from "@/lib/client/format";
import { useLayerStreams } from "@/lib/client/layer-streams";
import { buildTree, findNode, type TreeItem } from "@/lib/client/tree";
import { fileApiUrl, imageUrl, pinnedRef, type Location } from "@/lib/core/urls";
import { linkTarget } from "@/lib/core/paths";
import { PortholeError } from "@/lib/core/errors";
import { parseReference } from "@/lib/core/reference";
import { SignInForm } from "@/components/SignInForm";

const registryOf = (ref: string) => {
  try {
    return parseReference(ref).registry;
  } catch {
    return ref.split("/")[0] ?? ref;
  }
};

const api = (endpoint: string, params: Record<string, string | number | null | undefined>) => {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== undefined) query.set(name, String(value));
  return `/api/v1/${endpoint}?${query}`;
};
// Digest-addressed answers never change: fetch once, never revalidate.
const immutable = { revalidateOnFocus: false, revalidateIfStale: false, revalidateOnReconnect: false };

/** The image page: header, layers, file tree and viewer; everything it shows comes from the URL. */
export function Explorer({ location }: { location: Location }) {
  const { view } = location;
  const image = useSWR<ImageInfo>(api("image", { ref: location.ref, platform: location.platform }), fetchJson, { revalidateOnFocus: false });
  const info = image.data;
  // Once resolved, every request names the manifest digest: consistent and cacheable.
  const pinned = info ? pinnedRef(info.ref, info.digest) : null;
  const layerIndex = info ? (view.kind === "layer" ? info.layers.findIndex((l) => l.digest === view.digest) : view.upTo) : null;

  const whole = useSWR<FsResponse>(pinned ? api("fs", { ref: pinned }) : null, fetchJson, immutable);
  const upTo = useSWR<FsResponse>(pinned && view.kind === "fs" && view.upTo !== null ? api("fs", { ref: pinned, upto: view.upTo }) : null, fetchJson, immutable);
  const changes = useSWR<ChangesResponse>(pinned && layerIndex !== null && layerIndex >= 0 ? api("changes", { ref: pinned, layer: layerIndex }) : null, fetchJson, immutable);
  const streams = useLayerStreams(pinned ?? "", info?.layers);

  const [origin, setOrigin] = useState("");
  useEffect(() => setOrigin(window.location.origin), []);

  const items = useMemo<TreeItem[] | null>(() => {
    if (view.kind === "layer") return changes.data?.changes ?? null;
    const fs = view.upTo === null ? whole.data : upTo.data;
    if (!fs) return view.upTo === null ? streams.provisional : null;
    if (view.upTo === null) return fs.files;
    if (!changes.data) return null;
    const changed = new Map(changes.data.changes.map((c) => [c.path, c]));
    const removed = changes.data.changes.filter((c) => c.change === "removed");
    return [...fs.files.map((f) => ({ ...f, change: changed.get(f.path)?.change })), ...removed];
  }, [view, whole.data, upTo.data, changes.data, streams.provisional]);
  const provisional = view.kind === "fs" && view.upTo === null && !whole.data && items !== null;
  const tree = useMemo(() => (items ? buildTree(items) : null), [items]);

  const error = image.error ?? whole.error ?? upTo.error ?? changes.error;
  if (image.error || (view.kind === "layer" && info && layerIndex === -1)) {
    return (
      <main className="mx-auto max-w-3xl space-y-4 p-8">
        <p className="font-mono text-sm text-zinc-500">{location.ref}</p>
        <ErrorPanel error={image.error ?? new Error(`This image has no layer ${view.kind === "layer" ? view.digest : ""}`)} />
        {image.error instanceof PortholeError && (image.error.code === "UNAUTHORIZED" || image.error.code === "DENIED") && (
          <SignInForm registry={registryOf(location.ref)} onSignedIn={() => void image.mutate()} />
        )}
        <Link href="/" className="inline-block text-sm text-sky-600 hover:underline">
          ← Look at another image
        </Link>
      </main>
    );
  }
  if (!info) {
    return (
      <main className="p-6">
        <Skeleton label="Loading image" lines={4} />
      </main>
    );
  }

  const hrefFor = (path: string) => imageUrl({ ...location, view: { ...view, path } });
  const selected = tree ? findNode(tree, view.path) : null;
  const layerOf = (index: number | undefined) => (index !== undefined && index >= 0 ? info.layers[index]?.digest : undefined);
  const fileLayer = view.kind === "layer" ? view.digest : layerOf(selected?.layer);
  const targetOf = () => {
    if (!selected?.linkname) return null;
    return hrefFor(linkTarget(selected.path, selected.linkname, selected.type));
  };
  const title = view.kind === "layer" ? `Changes of layer ${layerIndex}` : view.upTo !== null ? `Layers 0–${view.upTo}` : "Merged filesystem";

  return (
    <div className="flex min-h-screen flex-col">
      <ImageHeader image={info} fs={whole.data} location={location} />
      <main className="grid min-h-0 flex-1 grid-cols-1 gap-4 p-4 lg:grid-cols-[20rem_minmax(0,1fr)_minmax(0,1.2fr)]">
        <aside className="min-h-0 overflow-auto lg:max-h-[calc(100vh-12rem)]">
          <LayerList image={info} fs={whole.data} progress={streams.progress} location={location} />
        </aside>
        <div className="flex min-h-[28rem] flex-col lg:max-h-[calc(100vh-12rem)]">
          <h2 className="pb-2 text-sm font-medium">
            {title}
            {provisional && (
              <span role="status" className="ml-2 font-normal text-zinc-500">
                reading layers… deletions not applied yet
              </span>
            )}
          </h2>
          {error && <ErrorPanel error={error} />}
          {!error && !tree && <Skeleton label="Loading files" lines={12} />}
          {tree && <FileTree key={`${view.kind}:${view.kind === "layer" ? view.digest : view.upTo}`} root={tree} selectedPath={view.path} hrefFor={hrefFor} label={title} />}
        </div>
        <div className="flex min-h-[28rem] flex-col lg:max-h-[calc(100vh-12rem)]">
          {selected && selected.type !== "dir" ? (
            <FileViewer
              node={selected}
              fileUrl={fileApiUrl(pinned as string, selected.path, { layer: fileLayer })}
              downloadUrl={fileApiUrl(pinned as string, selected.path, { layer: fileLayer, download: true })}
              permalink={`${origin}${imageUrl({ ...location, ref: pinned as string, platform: null, view: { ...view, path: selected.path } })}`}
              targetHref={targetOf()}
            />
          ) : tree && !selected && provisional ? (
            <Skeleton label="Reading layers" />
          ) : tree && !selected ? (
            <ErrorPanel error={new PortholeError("NOT_FOUND", `${view.path} is not in this view: a later layer may have removed it, or it is in another layer`)} />
          ) : selected && view.path !== "/" ? (
            <section aria-label="Directory" className="rounded border border-zinc-200 p-3 text-sm dark:border-zinc-800">
              <p className="font-mono font-medium">{selected.path}/</p>
              <p className="mt-1 text-zinc-500">
                {selected.children.length} entries · {formatBytes(selected.total)}
              </p>
            </section>
          ) : whole.data ? (
            <Figures fs={whole.data} hrefFor={(path) => imageUrl({ ...location, view: { kind: "fs", path, upTo: null } })} />
          ) : (
            <Skeleton label="Loading figures" />
          )}
        </div>
      </main>
    </div>
  );
}
