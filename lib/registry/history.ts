import type { HistoryEntry } from "@/lib/core/api-types";

export interface LayerHistory {
  createdBy: string | null;
  created: string | null;
  comment: string | null;
}

/**
 * Pairs config `history` with layers: every entry without `empty_layer: true` made one layer, in
 * order. When the counts disagree (squashed or hand-made images) the pairs made so far are kept,
 * the rest get nulls, and `aligned` is false so the UI can say the history is unreliable.
 */
export function mapHistory(history: HistoryEntry[], layerCount: number): { layers: LayerHistory[]; aligned: boolean } {
  const producing = history.filter((entry) => !entry.empty_layer);
  const layers = Array.from({ length: layerCount }, (_, i) => {
    const entry = producing[i];
    return { createdBy: entry?.created_by ?? null, created: entry?.created ?? null, comment: entry?.comment ?? null };
  });
  return { layers, aligned: producing.length === layerCount };
}
