import { useVirtualizer } from "@tanstack/react-virtual";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useEffectEvent, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { pathMatcher } from "@/lib/core/glob";
import { onTreeKey, useSlashFocuses } from "@/lib/client/tree-keys";
import { visibleRows, type SortKey, type TreeNode, type Weight } from "@/lib/core/tree";

/** Every row of a tree is this tall, in pixels: the virtualizer places rows by it. */
export const TREE_ROW_HEIGHT = 26;
/** Before there is a scroller to measure (the server's render, and hydrating it), it is taken to be this tall. */
const INITIAL_HEIGHT = 800;

/** The scroll offset that puts row `index` in the middle of a scroller `height` tall. */
const centred = (index: number, height: number) => Math.max(0, index * TREE_ROW_HEIGHT - (height - TREE_ROW_HEIGHT) / 2);

function ancestors(path: string): string[] {
  const parts = path.split("/").filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}`);
}

interface TreeStateOptions {
  root: TreeNode;
  selectedPath: string;
  hrefFor: (path: string) => string;
  /** What sorting by size compares; a node's total unless given. */
  weight?: Weight;
  /** The filter, when the caller keeps it (to act on it before the tree does); kept here unless given. */
  filter?: { value: string; set: (filter: string) => void };
  /** For a `pkg:NAME` filter: the paths that package owns (undefined: unknown, so nothing matches). */
  packageFiles?: (name: string) => ReadonlySet<string> | undefined;
}

/**
 * What a virtualized, filterable, keyboard-driven tree of paths keeps: which directories are open,
 * the filter and the order, the focused row, and the virtualizer over the rows that show. The
 * selection's directories open with it, and a new selection is scrolled to and focused.
 */
export function useTreeState({ root, selectedPath, hrefFor, weight, filter: outerFilter, packageFiles }: TreeStateOptions) {
  const router = useRouter();
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set(ancestors(selectedPath)));
  const [sort, setSort] = useState<SortKey>("name");
  const [innerFilter, setInnerFilter] = useState("");
  const filter = outerFilter ? outerFilter.value : innerFilter;
  const setFilter = outerFilter ? outerFilter.set : setInnerFilter;
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

  const matches = useMemo(() => (filter.trim() ? pathMatcher(filter, packageFiles) : undefined), [filter, packageFiles]);
  const rows = useMemo(() => visibleRows(root, { expanded, sort, matches, weight }), [root, expanded, sort, matches, weight]);
  // A link opens with its row in the middle, in the server's HTML too. A scroll position is not
  // HTML: until the page runs, the rows are drawn shifted up by it (`shift`, a transform, so the
  // scroll range stays), then scrolled there instead, before the first paint. With scripts off,
  // the shift stays.
  const [initialOffset] = useState(() =>
    centred(
      rows.findIndex((row) => row.path === selectedPath),
      INITIAL_HEIGHT,
    ),
  );
  const [shift, setShift] = useState(initialOffset);
  useLayoutEffect(() => {
    if (shift === 0) return;
    if (scroller.current) scroller.current.scrollTop = shift;
    setShift(0);
  }, [shift]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => TREE_ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: 320, height: INITIAL_HEIGHT },
    initialOffset,
  });

  // Focus and scroll to the selection once it has a row: when it changes, or when the rows that
  // hold it arrive (a deep link's tree loads after the page), not on every expand or filter.
  const revealed = useRef<string | null>(null);
  const revealSelection = useEffectEvent((path: string) => {
    if (revealed.current === path) return;
    const index = rows.findIndex((row) => row.path === path);
    if (index < 0) return;
    setFocus(index);
    const element = scroller.current;
    if (revealed.current === null && element) {
      // A link opens with its row in view: in the middle, unless it is there already (it had its row
      // from the start). Set directly: rows are all one height, and the virtualizer drops a scroll
      // asked of it before it has measured its element (on hydration).
      const top = index * TREE_ROW_HEIGHT;
      const inView = top >= element.scrollTop && top + TREE_ROW_HEIGHT <= element.scrollTop + element.clientHeight;
      if (!inView) element.scrollTop = centred(index, element.clientHeight);
    } else {
      // Later choices scroll only as far as they must.
      virtualizer.scrollToIndex(index, { align: "auto" });
    }
    revealed.current = path;
  });
  useEffect(() => revealSelection(selectedPath), [selectedPath, rows]);

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
  const onKeyDown = (event: KeyboardEvent) => onTreeKey(event, { rows, focus, expanded, moveFocus, toggle, open });

  return {
    rows,
    expanded,
    matches,
    sort,
    setSort,
    filter,
    setFilter,
    focus,
    scroller,
    filterInput,
    virtualizer,
    toggle,
    openRow,
    onKeyDown,
    selectedPath,
    hrefFor,
    shift,
  };
}

export type TreeState = ReturnType<typeof useTreeState>;
