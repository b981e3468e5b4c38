"use client";

import { useState } from "react";
import { ErrorPanel, Skeleton } from "@/components/ErrorPanel";
import { ChangeTree } from "@/components/compare/ChangeTree";
import { CompareDetail } from "@/components/compare/CompareDetail";
import { CompareErrorPage } from "@/components/compare/CompareErrorPage";
import { CompareHeader } from "@/components/compare/CompareHeader";
import { useCompareData } from "@/lib/client/compare-data";
import type { DiffResponse } from "@/lib/core/api-types";
import { compareUrl, type CompareLocation } from "@/lib/core/urls";
import { DIFF_PAGE } from "@/lib/compare/diff";
import { formatCount } from "@/lib/core/format";

const COLUMN = "flex min-h-[28rem] flex-col lg:max-h-[calc(100vh-13rem)]";

/**
 * The compare page: both images at a glance, every changed path as a tree, and the selected path's
 * difference. `first`: the comparison the server rendered into the page.
 */
export function CompareExplorer({ location, first: rendered }: { location: CompareLocation; first?: DiffResponse }) {
  // The page's first render only: a navigation to another path renders the page again without it.
  const [first] = useState(rendered);
  const { diff, error, signIn, retry, loadMore, loadMoreError } = useCompareData(location, first);
  const hrefFor = (path: string) => compareUrl({ ...location, path });

  if (error !== undefined) return <CompareErrorPage location={location} error={error} signIn={signIn} onSignedIn={retry} />;
  if (!diff) {
    return (
      <main className="space-y-3 p-6">
        <p className="font-mono text-sm text-zinc-500">
          {location.a} ⟷ {location.b}
        </p>
        <Skeleton label="Comparing the images: reading both images' layers" lines={6} />
      </main>
    );
  }
  return (
    <div className="flex min-h-screen flex-col">
      <CompareHeader diff={diff} location={location} />
      <main className="grid min-h-0 flex-1 grid-cols-1 gap-4 p-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.3fr)]">
        <div className={COLUMN}>
          <ChangeTree changes={diff.changes} summary={diff.summary} selectedPath={location.path} hrefFor={hrefFor} />
          {diff.next !== undefined && (
            <p role="status" className="pt-1 text-xs text-zinc-500">
              The first {formatCount(diff.changes.length)} of {formatCount(diff.total)} changed paths.{" "}
              <button type="button" className="text-sky-600 hover:underline disabled:text-zinc-400" disabled={!loadMore} onClick={() => loadMore?.()}>
                {loadMoreError === undefined ? `Show the next ${formatCount(DIFF_PAGE)}` : "Try again"}
              </button>
            </p>
          )}
          {loadMoreError !== undefined && <ErrorPanel error={loadMoreError} />}
        </div>
        <div className={COLUMN}>
          <CompareDetail diff={diff} location={location} hrefFor={hrefFor} />
        </div>
      </main>
    </div>
  );
}
