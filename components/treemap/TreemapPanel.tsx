"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { Treemap } from "@/components/treemap/Treemap";
import { formatBytes } from "@/lib/client/format";
import { wastedIndex } from "@/lib/client/treemap";
import { layerColour } from "@/lib/client/treemap-draw";
import type { TreeNode } from "@/lib/client/tree";
import type { FsResponse } from "@/lib/core/api-types";
import { TREEMAP_HASH } from "@/lib/core/urls";

interface TreemapPanelProps {
  /** The directory the treemap is of. */
  dir: TreeNode;
  /** The whole merged tree (hidden bytes are placed in it). */
  tree: TreeNode;
  fs: FsResponse;
  hrefFor: (path: string) => string;
}

function ancestors(path: string): string[] {
  const parts = path.split("/").filter(Boolean);
  return ["/", ...parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}`)];
}

/** Where the bytes are: a treemap of a directory of the merged filesystem, its way back up, and what its colours mean. */
export function TreemapPanel({ dir, tree, fs, hrefFor }: TreemapPanelProps) {
  const router = useRouter();
  const wasted = useMemo(() => wastedIndex(tree, fs.inefficiencies), [tree, fs]);
  const hidden = wasted.totals.get(dir.path) ?? 0;
  const label = `Treemap of ${dir.path}: ${formatBytes(dir.total)} by size, coloured by layer${hidden ? `, ${formatBytes(hidden)} hidden by later layers` : ""}`;
  return (
    <section aria-label="Where the bytes are" className="space-y-2 p-3 text-sm">
      <nav aria-label="Treemap path" className="flex flex-wrap gap-1 font-mono text-xs">
        {ancestors(dir.path).map((path) => (
          <Link key={path} href={path === "/" ? `${hrefFor("/")}${TREEMAP_HASH}` : hrefFor(path)} className="text-sky-600 hover:underline">
            {path === "/" ? "/" : `${path.slice(path.lastIndexOf("/") + 1)}/`}
          </Link>
        ))}
      </nav>
      <Treemap root={dir} wasted={wasted} label={label} onOpen={(path) => router.push(hrefFor(path))} />
      <ul aria-label="Treemap colours" className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-500">
        {fs.layers.map((layer) => (
          <li key={layer.index} className="flex items-center gap-1">
            <span className="inline-block size-3 rounded-sm" style={{ background: layerColour(layer.index) }} />
            layer {layer.index}
          </li>
        ))}
        <li className="flex items-center gap-1">
          <span className="inline-block size-3 rounded-sm border border-red-600 bg-red-200" />
          hidden by a later layer{hidden ? `: ${formatBytes(hidden)}` : ""}
        </li>
      </ul>
    </section>
  );
}
