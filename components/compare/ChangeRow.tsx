import { memo } from "react";
import { KIND_COLOUR, PATH_STYLE } from "@/components/change-colours";
import type { Rollup } from "@/lib/client/compare-tree";
import { byteDelta, changedCount } from "@/lib/client/compare-tree";
import { formatCount, formatSignedBytes } from "@/lib/client/format";
import type { TreeNode } from "@/lib/client/tree";
import type { DiffChange } from "@/lib/core/api-types";

export const ROW_HEIGHT = 26;

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

interface ChangeRowProps {
  row: TreeNode;
  /** The row's own change; none for a directory that only leads to changes. */
  change: DiffChange | undefined;
  below: Rollup | undefined;
  index: number;
  start: number;
  isDir: boolean;
  open: boolean;
  focused: boolean;
  selected: boolean;
  href: string;
  onToggle: (path: string) => void;
  onOpen: (path: string, href: string, index: number, isDir: boolean) => void;
}

/** One row of the change tree; memoized so scrolling re-renders only the rows that enter the window. */
export const ChangeRow = memo(function ChangeRow(props: ChangeRowProps) {
  const { row, change, below, index, start, isDir, open, focused, selected, href, onToggle, onOpen } = props;
  const delta = (change ? byteDelta(change) : 0) + (below?.delta ?? 0);
  return (
    <div
      role="treeitem"
      aria-level={row.depth}
      aria-expanded={isDir ? open : undefined}
      aria-selected={selected}
      data-path={row.path}
      data-change={row.change}
      className={`absolute left-0 top-0 flex w-full items-center gap-1 px-1 ${focused ? "bg-zinc-100 dark:bg-zinc-800" : ""} ${selected ? "bg-sky-100 dark:bg-sky-950" : ""}`}
      style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT, paddingLeft: 4 + (row.depth - 1) * 14 }}
    >
      <button
        type="button"
        tabIndex={-1}
        aria-label={isDir ? `${open ? "Collapse" : "Expand"} ${row.name}` : undefined}
        onClick={() => isDir && onToggle(row.path)}
        className="w-4 shrink-0 text-zinc-400"
      >
        {isDir ? (open ? "▾" : "▸") : ""}
      </button>
      <a
        href={href}
        onClick={(event) => {
          event.preventDefault();
          onOpen(row.path, href, index, isDir);
        }}
        className={`min-w-0 flex-1 truncate hover:underline ${row.change ? PATH_STYLE[row.change] : ""}`}
        title={row.linkname ? `${row.path} → ${row.linkname}` : row.path}
      >
        {row.name}
        {isDir ? "/" : ""}
        {row.linkname && <span className="text-zinc-400"> → {row.linkname}</span>}
      </a>
      {change?.fields && <span className={`shrink-0 text-[11px] ${KIND_COLOUR.modified}`}>{change.fields.join(", ")}</span>}
      {below && <Counts below={below} />}
      <span className={`w-20 shrink-0 text-right text-[11px] ${deltaStyle(delta)}`} data-testid="delta">
        {delta !== 0 ? formatSignedBytes(delta) : ""}
      </span>
    </div>
  );
});
