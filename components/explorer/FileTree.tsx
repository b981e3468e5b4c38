"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from "react";
import { onTreeKey, useSlashFocuses } from "@/components/explorer/tree-keys";
import { ROW_HEIGHT, TreeRow } from "@/components/explorer/TreeRow";
import { pathMatcher } from "@/lib/client/glob";
import { visibleRows, type SortKey, type TreeNode } from "@/lib/client/tree";

function ancestors(path: string): string[] {
  const parts = path.split("/").filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}`);
}

interface FileTreeProps {
  root: TreeNode;
  selectedPath: string;
  hrefFor: (path: string) => string;
  label: string;
}

/**
 * The file tree: virtualized (tens of thousands of rows scroll smoothly), sortable, filterable by
 * substring or glob, keyboard driven (arrows, Enter, `/` to filter). Each row shows the layer its
 * file comes from and the change it is, coloured.
 */
export function FileTree({ root, selectedPath, hrefFor, label }: FileTreeProps) {
  const router = useRouter();
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set(ancestors(selectedPath)));
  const [sort, setSort] = useState<SortKey>("name");
  const [filter, setFilter] = useState("");
  const [focus, setFocus] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const filterInput = useRef<HTMLInputElement>(null);
  useSlashFocuses(filterInput);

  // A new selection opens the directories above it. Adjusted while rendering, not in an effect,
  // so the first paint already shows the selected row.
  const [openedFor, setOpenedFor] = useState(selectedPath);
  if (openedFor !== selectedPath) {
    setOpenedFor(selectedPath);
    setExpanded((current) => new Set([...current, ...ancestors(selectedPath)]));
  }

  const matches = useMemo(() => (filter.trim() ? pathMatcher(filter) : undefined), [filter]);
  const rows = useMemo(() => visibleRows(root, { expanded, sort, matches }), [root, expanded, sort, matches]);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });

  // Focus and scroll to the selection when it changes, not on every expand or filter.
  const revealSelection = useEffectEvent((path: string) => {
    const index = rows.findIndex((row) => row.path === path);
    if (index < 0) return;
    setFocus(index);
    virtualizer.scrollToIndex(index, { align: "auto" });
  });
  useEffect(() => revealSelection(selectedPath), [selectedPath]);

  const toggle = useCallback(
    (path: string, open?: boolean) =>
      setExpanded((current) => {
        const next = new Set(current);
        if (open ?? !next.has(path)) next.add(path);
        else next.delete(path);
        return next;
      }),
    [],
  );
  // Stable, so the memoized rows do not all re-render with every render of the tree.
  const openRow = useCallback(
    (path: string, href: string, index: number, isDir: boolean) => {
      setFocus(index);
      if (isDir) toggle(path, true);
      router.push(href);
    },
    [router, toggle],
  );
  const moveFocus = (index: number) => {
    const clamped = Math.max(0, Math.min(rows.length - 1, index));
    setFocus(clamped);
    virtualizer.scrollToIndex(clamped);
  };
  const open = (path: string) => router.push(hrefFor(path));

  return (
    <section aria-label={label} className="flex min-h-0 flex-1 flex-col">
      <div className="flex items-center gap-2 pb-2">
        <input
          ref={filterInput}
          aria-label="Filter files"
          placeholder="Filter: name, or glob like *.conf  ( / )"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          className="min-w-0 flex-1 rounded border border-zinc-300 bg-white px-2 py-1 font-mono text-sm outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <label className="flex items-center gap-1 text-xs text-zinc-500">
          Sort
          <select
            aria-label="Sort files"
            value={sort}
            onChange={(event) => setSort(event.target.value as SortKey)}
            className="rounded border border-zinc-300 bg-white px-1 py-1 dark:border-zinc-700 dark:bg-zinc-900"
          >
            <option value="name">name</option>
            <option value="size">size</option>
          </select>
        </label>
      </div>
      <div
        ref={scroller}
        role="tree"
        aria-label="Files"
        tabIndex={0}
        onKeyDown={(event) => onTreeKey(event, { rows, focus, expanded, moveFocus, toggle, open })}
        data-testid="file-tree"
        style={{ contain: "strict" }}
        className="min-h-64 flex-1 overflow-auto rounded border border-zinc-200 font-mono text-[13px] outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-zinc-800"
      >
        {rows.length === 0 && <p className="p-3 text-sm text-zinc-500">{filter ? "No file matches the filter." : "Empty."}</p>}
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index] as TreeNode;
            const isDir = row.type === "dir" || row.children.length > 0;
            return (
              <TreeRow
                key={row.path}
                row={row}
                index={item.index}
                start={item.start}
                isDir={isDir}
                open={isDir && (matches !== undefined || expanded.has(row.path))}
                focused={item.index === focus}
                selected={row.path === selectedPath}
                href={hrefFor(row.path)}
                onToggle={toggle}
                onOpen={openRow}
              />
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
