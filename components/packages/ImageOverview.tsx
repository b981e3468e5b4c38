"use client";

import { PackagesPanel } from "@/components/packages/PackagesPanel";
import { SupplyChainPanel } from "@/components/supply/SupplyChainPanel";
import { useViewSource } from "@/lib/client/views";
import { formatCount } from "@/lib/core/format";
import { usePackages } from "@/lib/client/packages-data";
import { useHash } from "@/lib/client/use-hash";
import { PACKAGES_HASH, parseTabHash, SUPPLY_CHAIN_HASH, tabHash, TREEMAP_HASH } from "@/lib/core/urls";

const TAB =
  "rounded-t border-b-2 px-3 py-1.5 text-sm border-transparent text-zinc-500 hover:text-zinc-900 aria-selected:border-sky-500 aria-selected:font-medium aria-selected:text-zinc-900 dark:hover:text-zinc-100 dark:aria-selected:text-zinc-100";

interface ImageOverviewProps {
  /** The image as the page names it (ref and platform). */
  image: { ref: string; platform: string | null };
  pinned: string;
  layerHref: (index: number) => string | null;
  /** The link to a file in the merged filesystem. */
  fileHref: (path: string) => string;
  /** The efficiency figures (or their skeleton). */
  children: React.ReactNode;
  /** The treemap of the merged filesystem (or its skeleton). */
  treemap: React.ReactNode;
}

/**
 * The image as a whole, in tabs: its efficiency figures, its packages (whose files are fetched only
 * once that tab is open), its supply chain and its treemap. Which tab, and which package or
 * referrer is open in it, is in the fragment.
 */
export function ImageOverview({ image, pinned, layerHref, fileHref, children, treemap }: ImageOverviewProps) {
  const [hash, setHash] = useHash();
  const { local } = useViewSource();
  const { packages } = usePackages(pinned);
  const packagesTab = parseTabHash(PACKAGES_HASH, hash);
  const supplyTab = parseTabHash(SUPPLY_CHAIN_HASH, hash);
  const showTreemap = parseTabHash(TREEMAP_HASH, hash) !== null;
  const current = packagesTab ? "packages" : supplyTab && !local ? "supply-chain" : showTreemap ? "treemap" : "efficiency";
  const tab = (id: string, label: React.ReactNode, selected: boolean, hashFor: string) => (
    <button
      type="button"
      role="tab"
      id={`overview-tab-${id}`}
      aria-controls="overview-panel"
      aria-selected={selected}
      onClick={() => setHash(hashFor)}
      className={TAB}
    >
      {label}
    </button>
  );
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div role="tablist" aria-label="About the image" className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
        {tab("efficiency", "Efficiency", current === "efficiency", "")}
        {tab(
          "packages",
          <>
            Packages
            {packages && <span className="ml-1 text-xs text-zinc-500">{formatCount(packages.packages.length)}</span>}
          </>,
          current === "packages",
          PACKAGES_HASH,
        )}
        {/* A local image has no registry to hold its signatures, and its name must not reach the server. */}
        {!local && tab("supply-chain", "Supply chain", current === "supply-chain", SUPPLY_CHAIN_HASH)}
        {tab("treemap", "Treemap", current === "treemap", TREEMAP_HASH)}
      </div>
      <div role="tabpanel" id="overview-panel" aria-labelledby={`overview-tab-${current}`} className="flex min-h-0 flex-1 flex-col overflow-auto">
        {packagesTab ? (
          <PackagesPanel
            pinned={pinned}
            layerHref={layerHref}
            fileHref={fileHref}
            open={packagesTab.open}
            onOpen={(key) => setHash(tabHash(PACKAGES_HASH, key))}
          />
        ) : supplyTab && !local ? (
          <SupplyChainPanel image={image} pinned={pinned} open={supplyTab.open} onOpen={(digest) => setHash(tabHash(SUPPLY_CHAIN_HASH, digest))} />
        ) : showTreemap ? (
          treemap
        ) : (
          children
        )}
      </div>
    </div>
  );
}
