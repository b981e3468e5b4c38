import { useMemo } from "react";
import useSWR from "swr";
import { Skeleton } from "@/components/ErrorPanel";
import { diffApiUrl, getJson } from "@/lib/client/api";
import { DIFF_PAGE } from "@/lib/compare/diff";
import Link from "next/link";
import { KIND_COLOUR } from "@/components/change-colours";
import { ConfigTable } from "@/components/compare/ConfigTable";
import { FileDiff } from "@/components/compare/FileDiff";
import { PackagesCompare } from "@/components/compare/PackagesCompare";
import { byteDelta, changedCount, type Rollup } from "@/lib/client/compare-tree";
import { formatCount, formatSignedBytes } from "@/lib/core/format";
import type { DiffChange, DiffResponse } from "@/lib/core/api-types";
import { pinnedRef, type CompareLocation } from "@/lib/core/urls";

/** What changed below `path`, over all changes (whatever the tree's filters show). */
function rollupBelow(changes: readonly DiffChange[], path: string): Rollup {
  const prefix = path === "/" ? "/" : `${path}/`;
  const rollup: Rollup = { added: 0, removed: 0, modified: 0, delta: 0 };
  for (const change of changes) {
    if (!change.path.startsWith(prefix)) continue;
    rollup[change.change]++;
    rollup.delta += byteDelta(change);
  }
  return rollup;
}

/** The biggest changes by bytes: where to look first (`partial`: among those loaded, of a big comparison). */
function Largest({ changes, partial, hrefFor }: { changes: readonly DiffChange[]; partial: boolean; hrefFor: (path: string) => string }) {
  const largest = useMemo(
    () =>
      changes
        .filter((change) => byteDelta(change) !== 0)
        .sort((x, y) => Math.abs(byteDelta(y)) - Math.abs(byteDelta(x)))
        .slice(0, 10),
    [changes],
  );
  if (largest.length === 0) return null;
  return (
    <section aria-label="Largest changes" className="rounded border border-zinc-200 p-3 dark:border-zinc-800">
      <h2 className="text-sm font-medium">Largest changes{partial && ` of the first ${formatCount(changes.length)}`}</h2>
      <ol className="mt-1 space-y-0.5 font-mono text-xs">
        {largest.map((change) => (
          <li key={change.path} className="flex justify-between gap-2">
            <Link href={hrefFor(change.path)} className="min-w-0 truncate text-sky-600 hover:underline">
              {change.path}
            </Link>
            <span className="shrink-0 text-zinc-500">
              {change.change} · {formatSignedBytes(byteDelta(change))}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

interface CompareDetailProps {
  diff: DiffResponse;
  location: CompareLocation;
  hrefFor: (path: string) => string;
}

/** The right-hand column: at the root the config differences; a changed path's difference; a directory's rollup. */
export function CompareDetail({ diff, location, hrefFor }: CompareDetailProps) {
  const { path } = location;
  // With only some of the changes here (a big comparison), those at and below the path are asked for.
  const partial = diff.next !== undefined && path !== "/";
  const { a, b, platformA, platformB } = location;
  const { data: belowPage } = useSWR(
    partial ? diffApiUrl(a, b, platformA, platformB, { limit: DIFF_PAGE, under: path }) : null,
    getJson<DiffResponse>,
    {
      revalidateOnFocus: false,
      revalidateIfStale: false,
    },
  );
  const changes = partial ? belowPage?.changes : diff.changes;
  const change = useMemo(() => changes?.find((c) => c.path === path), [changes, path]);
  const below = useMemo(() => rollupBelow(changes ?? [], path), [changes, path]);
  const refs = { a: pinnedRef(diff.a.ref, diff.a.digest), b: pinnedRef(diff.b.ref, diff.b.digest) };

  if (path === "/") {
    return (
      <div className="min-h-0 space-y-4 overflow-auto">
        <ConfigTable config={diff.config} />
        <PackagesCompare refA={refs.a} refB={refs.b} />
        <Largest changes={diff.changes} partial={diff.next !== undefined} hrefFor={hrefFor} />
      </div>
    );
  }
  if (!changes) return <Skeleton label="Loading the changes below" lines={4} />;
  return (
    <div className="flex min-h-0 flex-1 flex-col gap-3 overflow-auto">
      {change && <FileDiff key={path} change={change} refs={refs} local={{ a: location.localA, b: location.localB }} />}
      {changedCount(below) > 0 && (
        <section aria-label="Directory" className="rounded border border-zinc-200 p-3 text-sm dark:border-zinc-800">
          <p className="font-mono font-medium">{path}/</p>
          <p className="mt-1" data-testid="directory-rollup">
            Below it: <span className={KIND_COLOUR.added}>{formatCount(below.added)} added</span>,{" "}
            <span className={KIND_COLOUR.removed}>{formatCount(below.removed)} removed</span>,{" "}
            <span className={KIND_COLOUR.modified}>{formatCount(below.modified)} modified</span> · {formatSignedBytes(below.delta)} in files
            {belowPage?.next !== undefined && ` (of the first ${formatCount(belowPage.changes.length)} changes below)`}
          </p>
        </section>
      )}
      {!change && changedCount(below) === 0 && (
        <p className="rounded border border-zinc-200 p-3 text-sm text-zinc-500 dark:border-zinc-800">
          No difference at <span className="font-mono">{path}</span>: it is the same in both images, or in neither.
        </p>
      )}
    </div>
  );
}
