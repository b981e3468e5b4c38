import type { RefObject } from "react";
import { KIND_COLOUR } from "@/components/change-colours";
import { CHANGE_KINDS } from "@/lib/client/compare-tree";
import { formatCount } from "@/lib/client/format";
import type { SortKey } from "@/lib/client/tree";
import type { ChangeKind, DiffSummary } from "@/lib/core/api-types";

const ACCENT: Record<ChangeKind, string> = { added: "accent-emerald-600", removed: "accent-rose-600", modified: "accent-amber-600" };

interface ChangeFiltersProps {
  filterInput: RefObject<HTMLInputElement | null>;
  filter: string;
  onFilter: (filter: string) => void;
  kinds: ReadonlySet<ChangeKind>;
  onKinds: (kinds: ReadonlySet<ChangeKind>) => void;
  summary: DiffSummary;
  sort: SortKey;
  onSort: (sort: SortKey) => void;
}

/** The change tree's controls: the name or glob filter, which kinds of change to show, and the order. */
export function ChangeFilters({ filterInput, filter, onFilter, kinds, onKinds, summary, sort, onSort }: ChangeFiltersProps) {
  const toggle = (kind: ChangeKind, on: boolean) => {
    const next = new Set(kinds);
    if (on) next.add(kind);
    else next.delete(kind);
    onKinds(next);
  };
  return (
    <div className="space-y-2 pb-2">
      <div className="flex items-center gap-2">
        <input
          ref={filterInput}
          aria-label="Filter changes"
          placeholder="Filter: name, or glob like *.conf  ( / )"
          value={filter}
          onChange={(event) => onFilter(event.target.value)}
          className="min-w-0 flex-1 rounded border border-zinc-300 bg-white px-2 py-1 font-mono text-sm outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <label className="flex items-center gap-1 text-xs text-zinc-500">
          Sort
          <select
            aria-label="Sort changes"
            value={sort}
            onChange={(event) => onSort(event.target.value as SortKey)}
            className="rounded border border-zinc-300 bg-white px-1 py-1 dark:border-zinc-700 dark:bg-zinc-900"
          >
            <option value="name">path</option>
            <option value="size">size change</option>
          </select>
        </label>
      </div>
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="sr-only">Kinds of change to show</legend>
        {CHANGE_KINDS.map((kind) => (
          <label key={kind} className={`flex items-center gap-1 ${KIND_COLOUR[kind]} ${ACCENT[kind]}`}>
            <input type="checkbox" checked={kinds.has(kind)} onChange={(event) => toggle(kind, event.target.checked)} />
            {kind} <span className="text-xs opacity-75">{formatCount(summary[kind])}</span>
          </label>
        ))}
      </fieldset>
    </div>
  );
}
