"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { Treemap } from "@/components/treemap/Treemap";
import { TreemapLegend } from "@/components/treemap/TreemapLegend";
import { formatBytes } from "@/lib/core/format";
import { directoryLinks } from "@/lib/client/package-owners";
import { usePackageOwners, usePackages } from "@/lib/client/packages-data";
import { wastedIndex } from "@/lib/client/treemap";
import { layerColouring, packageColouring } from "@/lib/client/treemap-colours";
import type { TreeNode } from "@/lib/core/tree";
import { useHash } from "@/lib/client/use-hash";
import type { FsFigures, FsHidden } from "@/lib/core/api-types";
import { parseTabHash, tabHash, TREEMAP_HASH } from "@/lib/core/urls";

/** The fragment's word for colouring by package (`#treemap/package`); without it, by layer. */
const BY_PACKAGE = "package";

interface TreemapPanelProps {
  /** The directory the treemap is of. */
  dir: TreeNode;
  /** The merged tree, whole or as far as it is loaded (hidden bytes are placed in it). */
  tree: TreeNode;
  figures: FsFigures;
  /** Bytes later layers hid, per path. */
  hidden: readonly FsHidden[];
  /** The image's pinned ref: where its packages are asked for. */
  pinned: string;
  hrefFor: (path: string) => string;
}

function ancestors(path: string): string[] {
  const parts = path.split("/").filter(Boolean);
  return ["/", ...parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}`)];
}

/**
 * Where the bytes are: a treemap of a directory of the merged filesystem, its way back up, and what
 * its colours mean. Colouring by package (when the image has packages) is in the fragment, which
 * every treemap link keeps (at `/` it also opens the treemap tab).
 */
export function TreemapPanel({ dir, tree, figures, hidden: hiddenBytes, pinned, hrefFor }: TreemapPanelProps) {
  const router = useRouter();
  const [hash, setHash] = useHash();
  const byPackage = parseTabHash(TREEMAP_HASH, hash)?.open === BY_PACKAGE;
  const treemapHash = byPackage ? tabHash(TREEMAP_HASH, BY_PACKAGE) : TREEMAP_HASH;
  const treemapHref = (path: string) => `${hrefFor(path)}${treemapHash}`;
  const { packages } = usePackages(pinned);
  const links = useMemo(() => directoryLinks(tree), [tree]);
  // The packages' files are a big answer: asked for only once colouring by package.
  const { owners, error } = usePackageOwners(pinned, byPackage, links);
  const wasted = useMemo(() => wastedIndex(tree, hiddenBytes), [tree, hiddenBytes]);
  const layers = useMemo(() => layerColouring(figures.layers.map((layer) => layer.index)), [figures]);
  const ownedFiles = owners !== undefined && owners.byPath.size > 0;
  const colouring = useMemo(
    () => (byPackage && owners && ownedFiles ? packageColouring(dir, owners) : layers),
    [byPackage, owners, ownedFiles, dir, layers],
  );
  const hidden = wasted.totals.get(dir.path) ?? 0;
  const by = colouring === layers ? "layer" : "package";
  const label = `Treemap of ${dir.path}: ${formatBytes(dir.total)} by size, coloured by ${by}${hidden ? `, ${formatBytes(hidden)} hidden by later layers` : ""}`;
  const status = !byPackage
    ? null
    : error !== undefined
      ? "The packages' files could not be read."
      : !owners
        ? "Reading which files each package owns…"
        : ownedFiles
          ? null
          : "No package lists its files: coloured by layer.";
  return (
    <section aria-label="Where the bytes are" className="space-y-2 p-3 text-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <nav aria-label="Treemap path" className="flex flex-wrap gap-1 font-mono text-xs">
          {ancestors(dir.path).map((path) => (
            <Link key={path} href={treemapHref(path)} className="text-sky-600 hover:underline">
              {path === "/" ? "/" : `${path.slice(path.lastIndexOf("/") + 1)}/`}
            </Link>
          ))}
        </nav>
        {(packages?.packages.length ?? 0) > 0 && (
          <fieldset className="flex gap-2 text-xs">
            <legend className="sr-only">Colour the treemap by</legend>
            {[false, true].map((pkg) => (
              <label key={String(pkg)} className="flex items-center gap-1">
                <input
                  type="radio"
                  name="treemap-colour"
                  checked={byPackage === pkg}
                  onChange={() => setHash(pkg ? tabHash(TREEMAP_HASH, BY_PACKAGE) : TREEMAP_HASH)}
                />
                {pkg ? "by package" : "by layer"}
              </label>
            ))}
          </fieldset>
        )}
      </div>
      {status && <p className="text-xs text-zinc-500">{status}</p>}
      <Treemap root={dir} wasted={wasted} colouring={colouring} label={label} onOpen={(path) => router.push(treemapHref(path))} />
      <TreemapLegend items={colouring.legend} hidden={hidden} />
    </section>
  );
}
