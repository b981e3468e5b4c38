"use client";

import { PackagesPanel } from "@/components/packages/PackagesPanel";
import { formatCount } from "@/lib/client/format";
import { usePackages } from "@/lib/client/packages-data";
import { useHash } from "@/lib/client/use-hash";
import { PACKAGES_HASH, packagesHash, parsePackagesHash } from "@/lib/core/urls";

const TAB =
  "rounded-t border-b-2 px-3 py-1.5 text-sm border-transparent text-zinc-500 hover:text-zinc-900 aria-selected:border-sky-500 aria-selected:font-medium aria-selected:text-zinc-900 dark:hover:text-zinc-100 dark:aria-selected:text-zinc-100";

interface ImageOverviewProps {
  pinned: string;
  layerHref: (index: number) => string | null;
  /** The link to a file in the merged filesystem. */
  fileHref: (path: string) => string;
  /** The efficiency figures (or their skeleton). */
  children: React.ReactNode;
}

/**
 * The image as a whole, in tabs: its efficiency figures, and its packages (whose files are fetched
 * only once that tab is open). Which tab, and which package's files are open, is in the fragment.
 */
export function ImageOverview({ pinned, layerHref, fileHref, children }: ImageOverviewProps) {
  const [hash, setHash] = useHash();
  const { packages } = usePackages(pinned);
  const packagesTab = parsePackagesHash(hash);
  const showPackages = packagesTab !== null;
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
        {tab("efficiency", "Efficiency", !showPackages, "")}
        {tab(
          "packages",
          <>
            Packages
            {packages && <span className="ml-1 text-xs text-zinc-500">{formatCount(packages.packages.length)}</span>}
          </>,
          showPackages,
          PACKAGES_HASH,
        )}
      </div>
      <div
        role="tabpanel"
        id="overview-panel"
        aria-labelledby={`overview-tab-${showPackages ? "packages" : "efficiency"}`}
        className="flex min-h-0 flex-1 flex-col overflow-auto"
      >
        {packagesTab ? (
          <PackagesPanel
            pinned={pinned}
            layerHref={layerHref}
            fileHref={fileHref}
            open={packagesTab.open}
            onOpen={(key) => setHash(packagesHash(key))}
          />
        ) : (
          children
        )}
      </div>
    </div>
  );
}
