import { formatBytes } from "@/lib/core/format";
import type { LegendItem } from "@/lib/client/treemap-colours";

/** What the treemap's colours mean (package names are attacker-written: text only), and the hidden bytes' hatching. */
export function TreemapLegend({ items, hidden }: { items: readonly LegendItem[]; hidden: number }) {
  return (
    <ul aria-label="Treemap colours" className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-500">
      {items.map((item) => (
        <li key={item.label} className="flex max-w-full items-center gap-1">
          <span data-testid="legend-swatch" className="inline-block size-3 shrink-0 rounded-sm" style={{ background: item.colour }} />
          <span className="truncate">{item.label}</span>
          {item.size !== undefined && <span className="shrink-0">{formatBytes(item.size)}</span>}
        </li>
      ))}
      <li className="flex items-center gap-1">
        <span className="inline-block size-3 rounded-sm border border-red-600 bg-red-200" />
        hidden by a later layer{hidden ? `: ${formatBytes(hidden)}` : ""}
      </li>
    </ul>
  );
}
