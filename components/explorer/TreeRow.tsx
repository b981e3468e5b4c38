import { memo } from "react";
import { formatBytes } from "@/lib/client/format";
import type { TreeNode } from "@/lib/client/tree";
import { PATH_STYLE } from "@/components/change-colours";

export const ROW_HEIGHT = 26;

interface TreeRowProps {
  row: TreeNode;
  index: number;
  /** Offset from the top of the tree, in pixels: rows are positioned by the virtualizer. */
  start: number;
  isDir: boolean;
  open: boolean;
  focused: boolean;
  selected: boolean;
  href: string;
  onToggle: (path: string) => void;
  onOpen: (path: string, href: string, index: number, isDir: boolean) => void;
}

/** One row; memoized so scrolling re-renders only the rows that enter the window. */
export const TreeRow = memo(function TreeRow({ row, index, start, isDir, open, focused, selected, href, onToggle, onOpen }: TreeRowProps) {
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
      {row.layer !== undefined && row.layer >= 0 && (
        <span className="shrink-0 rounded bg-zinc-100 px-1 text-[11px] text-zinc-500 dark:bg-zinc-800" title={`from layer ${row.layer}`}>
          L{row.layer}
        </span>
      )}
      <span className="w-16 shrink-0 text-right text-[11px] text-zinc-500">{row.type === "file" || isDir ? formatBytes(row.total) : ""}</span>
    </div>
  );
});
