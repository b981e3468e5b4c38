import Link from "next/link";
import { LayerInventory } from "@/components/packages/LayerInventory";
import type { FsFigures, ImageInfo, PackageLayerChange } from "@/lib/core/api-types";
import { formatBytes } from "@/lib/core/format";
import { shortDigest } from "@/lib/core/digest";
import type { LayerProgress } from "@/lib/client/layer-streams";
import { imageUrl, type Location } from "@/lib/core/urls";

/** Layers bottom-up: command, sizes as bars, changes, installed packages, streaming progress; each opens its views. */
export function LayerList({
  image,
  figures,
  inventory,
  progress,
  location,
}: {
  image: ImageInfo;
  figures: FsFigures | undefined;
  /** The layers that changed the installed packages. */
  inventory: PackageLayerChange[] | undefined;
  progress: LayerProgress[];
  location: Location;
}) {
  const biggest = Math.max(1, ...image.layers.map((l) => l.size), ...(figures?.layers.map((l) => l.size) ?? []));
  const { view } = location;
  const selected = view.kind === "layer" ? image.layers.findIndex((l) => l.digest === view.digest) : view.upTo;
  const link = (v: Location["view"]) => imageUrl({ ...location, view: v });
  return (
    <nav aria-label="Layers" className="flex flex-col gap-1 text-sm">
      <Link
        href={link({ kind: "fs", path: "/", upTo: null })}
        aria-current={view.kind === "fs" && view.upTo === null ? "page" : undefined}
        className="rounded px-2 py-1.5 font-medium hover:bg-zinc-100 aria-[current=page]:bg-sky-100 dark:hover:bg-zinc-800 dark:aria-[current=page]:bg-sky-950"
      >
        Whole image
      </Link>
      <ol className="flex flex-col gap-1">
        {image.layers.map((layer, index) => {
          const summary = figures?.layers[index];
          const stream = progress[index];
          const isSelected = selected === index;
          return (
            <li
              key={`${layer.digest}-${index}`}
              data-testid={`layer-${index}`}
              className={`rounded border px-2 py-1.5 ${isSelected ? "border-sky-500 bg-sky-50 dark:bg-sky-950" : "border-zinc-200 dark:border-zinc-800"}`}
            >
              <div className="flex items-baseline justify-between gap-2">
                <span className="font-mono text-xs text-zinc-500">#{index}</span>
                <span className="font-mono text-xs text-zinc-500" title={layer.digest}>
                  {shortDigest(layer.digest)}
                </span>
              </div>
              <p className="mt-0.5 line-clamp-2 break-all font-mono text-xs" title={layer.createdBy ?? undefined}>
                {layer.createdBy ?? (image.historyAligned ? "—" : "(history does not line up with layers)")}
              </p>
              <div className="mt-1 space-y-0.5" aria-hidden="true">
                <div className="h-1 rounded bg-sky-500" style={{ width: `${(layer.size / biggest) * 100}%` }} />
                {summary && <div className="h-1 rounded bg-amber-500" style={{ width: `${(summary.size / biggest) * 100}%` }} />}
              </div>
              <div className="mt-1 flex flex-wrap gap-x-2 text-xs text-zinc-500">
                <span>{formatBytes(layer.size)} compressed</span>
                {summary && <span>{formatBytes(summary.size)} files</span>}
                {summary && (
                  <span>
                    <span className="text-emerald-600">+{summary.added}</span> <span className="text-amber-600">~{summary.modified}</span>{" "}
                    <span className="text-rose-600">−{summary.removed}</span>
                  </span>
                )}
                {stream && stream.state !== "done" && (
                  <span role="status" className={stream.state === "error" ? "text-rose-600" : ""}>
                    {stream.state === "error"
                      ? `error: ${stream.message}`
                      : stream.state === "waiting"
                        ? "queued"
                        : `reading… ${stream.entries} entries`}
                  </span>
                )}
              </div>
              <LayerInventory change={inventory?.find((change) => change.index === index)} />
              <div className="mt-1 flex gap-3 text-xs">
                <Link className="text-sky-600 hover:underline" href={link({ kind: "layer", digest: layer.digest, path: "/" })}>
                  This layer&apos;s changes
                </Link>
                <Link className="text-sky-600 hover:underline" href={link({ kind: "fs", path: "/", upTo: index })}>
                  Everything up to here
                </Link>
              </div>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
