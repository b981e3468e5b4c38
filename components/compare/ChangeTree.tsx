"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from "react";
import { ChangeFilters } from "@/components/compare/ChangeFilters";
import { ChangeRow, ROW_HEIGHT } from "@/components/compare/ChangeRow";
import { onTreeKey, useSlashFocuses } from "@/components/explorer/tree-keys";
import { buildCompareTree, CHANGE_KINDS, deltaWeight } from "@/lib/client/compare-tree";
import { pathMatcher } from "@/lib/client/glob";
import { visibleRows, type SortKey, type TreeNode } from "@/lib/client/tree";
import type { ChangeKind, DiffChange, DiffSummary } from "@/lib/core/api-types";

function ancestors(path: string): string[] {
  const parts = path.split("/").filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}`);
}

interface ChangeTreeProps {
  changes: readonly DiffChange[];
  summary: DiffSummary;
  selectedPath: string;
  hrefFor: (path: string) => string;
}

/**
 * Every changed path as a tree, collapsed to directories that say what changed below them:
 * virtualized, filterable by kind and by name or glob, sortable by path or by how much changed,
 * keyboard driven (arrows, Enter, `/` to filter) like the image's file tree.
 */
export function ChangeTree({ changes, summary, selectedPath, hrefFor }: ChangeTreeProps) {
  const router = useRouter();
  const [kinds, setKinds] = useState<ReadonlySet<ChangeKind>>(() => new Set(CHANGE_KINDS));
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set(ancestors(selectedPath)));
  const [sort, setSort] = useState<SortKey>("name");
  const [filter, setFilter] = useState("");
  const [focus, setFocus] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const filterInput = useRef<HTMLInputElement>(null);
  useSlashFocuses(filterInput);

  // A new selection opens the directories above it, before the first paint.
  const [openedFor, setOpenedFor] = useState(selectedPath);
  if (openedFor !== selectedPath) {
    setOpenedFor(selectedPath);
    setExpanded((current) => new Set([...current, ...ancestors(selectedPath)]));
  }

  const tree = useMemo(() => buildCompareTree(changes, kinds), [changes, kinds]);
  const weight = useMemo(() => deltaWeight(tree), [tree]);
  const matches = useMemo(() => (filter.trim() ? pathMatcher(filter) : undefined), [filter]);
  const rows = useMemo(() => visibleRows(tree.root, { expanded, sort, matches, weight }), [tree, expanded, sort, matches, weight]);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });

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
    <section aria-label="Changes" className="flex min-h-0 flex-1 flex-col">
      <ChangeFilters
        filterInput={filterInput}
        filter={filter}
        onFilter={setFilter}
        kinds={kinds}
        onKinds={setKinds}
        summary={summary}
        sort={sort}
        onSort={setSort}
      />
      <div
        ref={scroller}
        role="tree"
        aria-label="Changed paths"
        tabIndex={0}
        onKeyDown={(event) => onTreeKey(event, { rows, focus, expanded, moveFocus, toggle, open })}
        data-testid="change-tree"
        style={{ contain: "strict" }}
        className="min-h-64 flex-1 overflow-auto rounded border border-zinc-200 font-mono text-[13px] outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-zinc-800"
      >
        {rows.length === 0 && (
          <p className="p-3 text-sm text-zinc-500">
            {changes.length === 0 ? "No differences: every path is the same in both images." : "No change matches the filters."}
          </p>
        )}
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index] as TreeNode;
            const isDir = row.children.length > 0;
            return (
              <ChangeRow
                key={row.path}
                row={row}
                change={tree.changes.get(row.path)}
                below={tree.below.get(row.path)}
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
