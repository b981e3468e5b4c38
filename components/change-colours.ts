import type { ChangeKind } from "@/lib/core/api-types";

/** The colours of each kind of change, wherever changes are shown (the file tree, the compare page). */
export const KIND_COLOUR: Record<ChangeKind, string> = {
  added: "text-emerald-700 dark:text-emerald-400",
  removed: "text-rose-700 dark:text-rose-400",
  modified: "text-amber-700 dark:text-amber-400",
};

/** A changed path's name in a tree: a removed one is also struck through. */
export const PATH_STYLE: Record<ChangeKind, string> = { ...KIND_COLOUR, removed: `${KIND_COLOUR.removed} line-through` };
