import Link from "next/link";
import { CopyButton } from "@/components/CopyButton";
import { KIND_COLOUR } from "@/components/change-colours";
import { PageHeader } from "@/components/PageHeader";
import { byteDelta } from "@/lib/client/compare-tree";
import { formatBytes, formatCount, formatPercent, formatSignedBytes, shortDigest } from "@/lib/core/format";
import { useOrigin } from "@/lib/client/use-origin";
import type { DiffResponse, DiffSide } from "@/lib/core/api-types";
import { formatPlatform } from "@/lib/core/platform";
import { compareUrl, pinnedCompare, pinnedRef, sideImageUrl, type CompareLocation } from "@/lib/core/urls";

/** One image of the two: what it resolved to and its headline figures, linked to its own page. */
function Side({ name, side, local }: { name: "A" | "B"; side: DiffSide; local: boolean | undefined }) {
  const pinned = pinnedRef(side.ref, side.digest);
  return (
    <section aria-label={`Image ${name}`} className="min-w-0 rounded border border-zinc-200 p-3 dark:border-zinc-800">
      <div className="flex items-baseline gap-2">
        <span className="rounded bg-zinc-100 px-1.5 text-xs font-semibold text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">{name}</span>
        <Link
          href={sideImageUrl(pinned, local)}
          className="min-w-0 break-all font-mono text-sm font-semibold text-sky-700 hover:underline dark:text-sky-400"
          data-testid={`ref-${name.toLowerCase()}`}
        >
          {side.ref}
        </Link>
        {local && <span className="text-xs text-emerald-700 dark:text-emerald-400">local file, read in this tab</span>}
      </div>
      <p className="mt-1 flex flex-wrap gap-x-2 text-xs text-zinc-500">
        <span className="font-mono" title={side.digest} data-testid={`digest-${name.toLowerCase()}`}>
          {shortDigest(side.digest)}
        </span>
        <span>{formatPlatform(side.platform)}</span>
      </p>
      <p className="mt-0.5 text-xs text-zinc-500">
        {side.layers} layers · {formatBytes(side.size)} compressed · {formatCount(side.files)} files ·{" "}
        <span title="dive's efficiency score">efficiency {formatPercent(side.efficiency)}</span> · wasted {formatBytes(side.wastedBytes)}
      </p>
    </section>
  );
}

/** Both images side by side, what changed between them in numbers, and a link pinned to both. */
export function CompareHeader({ diff, location }: { diff: DiffResponse; location: CompareLocation }) {
  const origin = useOrigin();
  const { summary } = diff;
  const net = diff.changes.reduce((total, change) => total + byteDelta(change), 0);
  const permalink = `${origin}${compareUrl(pinnedCompare({ ...location, a: diff.a.ref, b: diff.b.ref }, diff.a.digest, diff.b.digest))}`;
  return (
    <PageHeader
      title={
        <>
          <h1 className="text-lg font-semibold">Compare two images</h1>
          <span title="A link to this view, with both images pinned to their digests">
            <CopyButton text={permalink} label="Copy link" caption="Copy link" />
          </span>
        </>
      }
    >
      <div className="mt-3 grid gap-3 md:grid-cols-2">
        <Side name="A" side={diff.a} local={location.localA} />
        <Side name="B" side={diff.b} local={location.localB} />
      </div>
      <p className="mt-3 flex flex-wrap gap-x-3 gap-y-1 text-sm" data-testid="compare-summary">
        <span className={KIND_COLOUR.added}>
          {formatCount(summary.added)} added ({formatSignedBytes(summary.addedBytes)})
        </span>
        <span className={KIND_COLOUR.removed}>
          {formatCount(summary.removed)} removed ({formatSignedBytes(-summary.removedBytes)})
        </span>
        <span className={KIND_COLOUR.modified}>{formatCount(summary.modified)} modified</span>
        <span className="text-zinc-500">{formatCount(summary.unchanged)} unchanged</span>
        <span className="text-zinc-500">
          · {diff.sharedLayers === 0 ? "no shared base layers" : `${diff.sharedLayers} shared base layer${diff.sharedLayers === 1 ? "" : "s"}`}
        </span>
        <span className="text-zinc-500" title="regular-file bytes in B minus those in A, modified files included">
          · {formatSignedBytes(net)} in files overall
        </span>
      </p>
    </PageHeader>
  );
}
