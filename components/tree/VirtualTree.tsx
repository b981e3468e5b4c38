import { Fragment, type ReactNode } from "react";
import type { TreeRowProps } from "@/components/tree/TreeRowShell";
import type { TreeNode } from "@/lib/core/tree";
import type { TreeState } from "@/lib/client/use-tree-state";

interface VirtualTreeProps {
  state: TreeState;
  /** The section's name (the tree and its controls). */
  label: string;
  /** The tree's own name. */
  treeLabel: string;
  testId: string;
  /** Above the tree: the filter, and whatever else narrows what it shows. */
  controls: ReactNode;
  /** What the tree says when no row shows. */
  empty: ReactNode;
  /** Which rows open and close. */
  isDir: (row: TreeNode) => boolean;
  /** One row, drawn with `TreeRowShell` and the columns of its kind; memoized, so scrolling renders only new rows. */
  renderRow: (props: TreeRowProps) => ReactNode;
}

/**
 * A tree of paths, virtualized (tens of thousands of rows scroll smoothly) and keyboard driven
 * (arrows, Enter, `/` to filter), under its controls and over a count of its rows.
 */
export function VirtualTree({ state, label, treeLabel, testId, controls, empty, isDir, renderRow }: VirtualTreeProps) {
  const { rows, filter, matches, expanded, focus, selectedPath, hrefFor, scroller, virtualizer, onKeyDown, toggle, openRow, shift } = state;
  return (
    <section aria-label={label} className="flex min-h-0 flex-1 flex-col">
      <div className="space-y-2 pb-2">{controls}</div>
      <div
        ref={scroller}
        role="tree"
        aria-label={treeLabel}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid={testId}
        style={{ contain: "strict" }}
        className="min-h-64 flex-1 overflow-auto rounded border border-zinc-200 font-mono text-[13px] outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-zinc-800"
      >
        {rows.length === 0 && <p className="p-3 text-sm text-zinc-500">{empty}</p>}
        <div style={{ height: virtualizer.getTotalSize(), position: "relative", ...(shift > 0 && { transform: `translateY(${-shift}px)` }) }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index] as TreeNode;
            const dir = isDir(row);
            return (
              <Fragment key={row.path}>
                {renderRow({
                  row,
                  index: item.index,
                  start: item.start,
                  isDir: dir,
                  open: dir && (matches !== undefined || expanded.has(row.path)),
                  focused: item.index === focus,
                  selected: row.path === selectedPath,
                  href: hrefFor(row.path),
                  onToggle: toggle,
                  onOpen: openRow,
                })}
              </Fragment>
            );
          })}
        </div>
      </div>
      <p className="pt-1 text-xs text-zinc-500" role="status">
        {rows.length} rows{filter ? " match" : ""}
      </p>
    </section>
  );
}
