import type { ReactNode } from "react";
import { PATH_STYLE } from "@/components/change-colours";
import type { TreeNode } from "@/lib/core/tree";
import { TREE_ROW_HEIGHT } from "@/lib/client/use-tree-state";

/** What every row of a virtual tree is given; a kind of row adds what its own columns need. */
export interface TreeRowProps {
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

/**
 * The part of a row every tree shares: indented by depth, a directory's disclosure triangle, the
 * name as a link (a symlink's target after it), focus and selection; `children` are the row's own columns.
 */
export function TreeRowShell({
  row,
  index,
  start,
  isDir,
  open,
  focused,
  selected,
  href,
  onToggle,
  onOpen,
  children,
}: TreeRowProps & { children?: ReactNode }) {
  return (
    <div
      role="treeitem"
      aria-level={row.depth}
      aria-expanded={isDir ? open : undefined}
      aria-selected={selected}
      data-path={row.path}
      data-change={row.change}
      className={`absolute left-0 top-0 flex w-full items-center gap-1 px-1 ${focused ? "bg-zinc-100 dark:bg-zinc-800" : ""} ${selected ? "bg-sky-100 dark:bg-sky-950" : ""}`}
      style={{ transform: `translateY(${start}px)`, height: TREE_ROW_HEIGHT, paddingLeft: 4 + (row.depth - 1) * 14 }}
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
      {children}
    </div>
  );
}
