"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useRouter } from "next/navigation";
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { formatBytes } from "@/lib/client/format";
import { pathMatcher } from "@/lib/client/glob";
import { visibleRows, type SortKey, type TreeNode } from "@/lib/client/tree";

const ROW_HEIGHT = 26;
const CHANGE_STYLE: Record<string, string> = {
  added: "text-emerald-700 dark:text-emerald-400",
  modified: "text-amber-700 dark:text-amber-400",
  removed: "text-rose-700 line-through dark:text-rose-400",
};

function ancestors(path: string): string[] {
  const parts = path.split("/").filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}`);
}

/**
 * The file tree: virtualized (tens of thousands of rows scroll smoothly), sortable, filterable by
 * substring or glob, keyboard driven (arrows, Enter, `/` to filter). Each row shows the layer its
 * file comes from and the change it is, coloured.
 */
export function FileTree({ root, selectedPath, hrefFor, label }: { root: TreeNode; selectedPath: string; hrefFor: (path: string) => string; label: string }) {
  const router = useRouter();
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set(ancestors(selectedPath)));
  const [sort, setSort] = useState<SortKey>("name");
  const [filter, setFilter] = useState("");
  const [focus, setFocus] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const filterInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setExpanded((current) => new Set([...current, ...ancestors(selectedPath)]));
  }, [selectedPath]);

  const matches = useMemo(() => (filter.trim() ? pathMatcher(filter) : undefined), [filter]);
  const rows = useMemo(() => visibleRows(root, { expanded, sort, matches }), [root, expanded, sort, matches]);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });

  useEffect(() => {
    const index = rows.findIndex((row) => row.path === selectedPath);
    if (index >= 0) {
      setFocus(index);
      virtualizer.scrollToIndex(index, { align: "auto" });
    }
  }, [selectedPath]); // only when the selection changes, not on every expand or filter


  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (event.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) {
        event.preventDefault();
        filterInput.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

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
  // Rows are memoized; their click handler must not change identity with every render.
  const hrefForRef = useRef(hrefFor);
  hrefForRef.current = hrefFor;
  const openRow = useCallback(
    (path: string, index: number, isDir: boolean) => {
      setFocus(index);
      if (isDir) toggle(path, true);
      router.push(hrefForRef.current(path));
    },
    [router, toggle],
  );

  const onKeyDown = (event: React.KeyboardEvent) => {
    const row = rows[focus];
    const move = (index: number) => {
      const clamped = Math.max(0, Math.min(rows.length - 1, index));
      setFocus(clamped);
      virtualizer.scrollToIndex(clamped);
    };
    if (event.key === "ArrowDown") move(focus + 1);
    else if (event.key === "ArrowUp") move(focus - 1);
    else if (event.key === "ArrowRight" && row?.type === "dir") toggle(row.path, true);
    else if (event.key === "ArrowLeft" && row?.type === "dir" && expanded.has(row.path)) toggle(row.path, false);
    else if (event.key === "Enter" && row) router.push(hrefFor(row.path));
    else return;
    event.preventDefault();
  };

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
          <select aria-label="Sort files" value={sort} onChange={(event) => setSort(event.target.value as SortKey)} className="rounded border border-zinc-300 bg-white px-1 py-1 dark:border-zinc-700 dark:bg-zinc-900">
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
        onKeyDown={onKeyDown}
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

interface TreeRowProps {
  row: TreeNode;
  index: number;
  start: number;
  isDir: boolean;
  open: boolean;
  focused: boolean;
  selected: boolean;
  href: string;
  onToggle: (path: string, open?: boolean) => void;
  onOpen: (path: string, index: number, isDir: boolean) => void;
}

/** One row; memoized so scrolling re-renders only the rows that enter the window. */
const TreeRow = memo(function TreeRow({ row, index, start, isDir, open, focused, selected, href, onToggle, onOpen }: TreeRowProps) {
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
          onOpen(row.path, index, isDir);
        }}
        className={`min-w-0 flex-1 truncate hover:underline ${row.change ? (CHANGE_STYLE[row.change] ?? "") : ""}`}
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
