import type { SortKey } from "@/lib/core/tree";
import type { TreeState } from "@/lib/client/use-tree-state";

const SORT_KEYS: readonly SortKey[] = ["name", "size"];

interface TreeFilterProps {
  state: TreeState;
  filterLabel: string;
  sortLabel: string;
  /** What this tree calls each order. */
  sortNames: Readonly<Record<SortKey, string>>;
  /** What the filter box says it takes, when this tree takes more than names and globs. */
  placeholder?: string;
}

/** A tree's filter (a name or a glob; `/` jumps to it) and its order. */
export function TreeFilter({ state, filterLabel, sortLabel, sortNames, placeholder = "Filter: name, or glob like *.conf  ( / )" }: TreeFilterProps) {
  const { filterInput, filter, setFilter, sort, setSort } = state;
  return (
    <div className="flex items-center gap-2">
      <input
        ref={filterInput}
        aria-label={filterLabel}
        placeholder={placeholder}
        title={placeholder}
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
        className="min-w-0 flex-1 rounded border border-zinc-300 bg-white px-2 py-1 font-mono text-sm outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-zinc-700 dark:bg-zinc-900"
      />
      <label className="flex items-center gap-1 text-xs text-zinc-500">
        Sort
        <select
          aria-label={sortLabel}
          value={sort}
          onChange={(event) => setSort(event.target.value as SortKey)}
          className="rounded border border-zinc-300 bg-white px-1 py-1 dark:border-zinc-700 dark:bg-zinc-900"
        >
          {SORT_KEYS.map((key) => (
            <option key={key} value={key}>
              {sortNames[key]}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
