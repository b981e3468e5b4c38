import { KIND_COLOUR } from "@/components/change-colours";
import { TreeFilter } from "@/components/tree/TreeFilter";
import { CHANGE_KINDS } from "@/lib/client/compare-tree";
import { formatCount } from "@/lib/core/format";
import type { TreeState } from "@/lib/client/use-tree-state";
import type { ChangeKind, DiffSummary } from "@/lib/core/api-types";

const ACCENT: Record<ChangeKind, string> = { added: "accent-emerald-600", removed: "accent-rose-600", modified: "accent-amber-600" };
const SORT_NAMES = { name: "path", size: "size change" } as const;

interface ChangeFiltersProps {
  state: TreeState;
  kinds: ReadonlySet<ChangeKind>;
  onKinds: (kinds: ReadonlySet<ChangeKind>) => void;
  summary: DiffSummary;
}

/** The change tree's controls: the name or glob filter, the order, and which kinds of change to show. */
export function ChangeFilters({ state, kinds, onKinds, summary }: ChangeFiltersProps) {
  const toggle = (kind: ChangeKind, on: boolean) => {
    const next = new Set(kinds);
    if (on) next.add(kind);
    else next.delete(kind);
    onKinds(next);
  };
  return (
    <>
      <TreeFilter state={state} filterLabel="Filter changes" sortLabel="Sort changes" sortNames={SORT_NAMES} />
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="sr-only">Kinds of change to show</legend>
        {CHANGE_KINDS.map((kind) => (
          <label key={kind} className={`flex items-center gap-1 ${KIND_COLOUR[kind]} ${ACCENT[kind]}`}>
            <input type="checkbox" checked={kinds.has(kind)} onChange={(event) => toggle(kind, event.target.checked)} />
            {kind} <span className="text-xs opacity-75">{formatCount(summary[kind])}</span>
          </label>
        ))}
      </fieldset>
    </>
  );
}
