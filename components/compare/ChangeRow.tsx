import { memo } from "react";
import { KIND_COLOUR } from "@/components/change-colours";
import { TreeRowShell, type TreeRowProps } from "@/components/tree/TreeRowShell";
import type { Rollup } from "@/lib/client/compare-tree";
import { byteDelta, changedCount } from "@/lib/client/compare-tree";
import { formatCount, formatSignedBytes } from "@/lib/core/format";
import type { DiffChange } from "@/lib/core/api-types";

const deltaStyle = (delta: number) => (delta > 0 ? KIND_COLOUR.added : delta < 0 ? KIND_COLOUR.removed : "text-zinc-400");

/** What changed below a directory: `+3 −2 130 ~5`, each count in its kind's colour. */
function Counts({ below }: { below: Rollup }) {
  const parts = [
    ["added", "+", below.added],
    ["removed", "\u2212", below.removed],
    ["modified", "~", below.modified],
  ] as const;
  const files = changedCount(below);
  return (
    <span
      className="shrink-0 whitespace-pre text-[11px]"
      title={`below: ${below.added} added, ${below.removed} removed, ${below.modified} modified`}
      data-testid="rollup"
      data-added={below.added}
      data-removed={below.removed}
      data-modified={below.modified}
    >
      {parts.map(([kind, sign, count]) =>
        count > 0 ? (
          <span key={kind} className={KIND_COLOUR[kind]}>
            {sign}
            {formatCount(count)}{" "}
          </span>
        ) : null,
      )}
      <span className="text-zinc-400">{files === 1 ? "path" : "paths"}</span>
    </span>
  );
}

interface ChangeRowProps extends TreeRowProps {
  /** The row's own change; none for a directory that only leads to changes. */
  change: DiffChange | undefined;
  below: Rollup | undefined;
}

/** One row of the change tree: what changed, below too, and by how many bytes; memoized so scrolling re-renders only the rows that enter the window. */
export const ChangeRow = memo(function ChangeRow({ change, below, ...shell }: ChangeRowProps) {
  const delta = (change ? byteDelta(change) : 0) + (below?.delta ?? 0);
  return (
    <TreeRowShell {...shell}>
      {change?.fields && <span className={`shrink-0 text-[11px] ${KIND_COLOUR.modified}`}>{change.fields.join(", ")}</span>}
      {below && <Counts below={below} />}
      <span className={`w-20 shrink-0 text-right text-[11px] ${deltaStyle(delta)}`} data-testid="delta">
        {delta !== 0 ? formatSignedBytes(delta) : ""}
      </span>
    </TreeRowShell>
  );
});
