import { useEffect, type KeyboardEvent, type RefObject } from "react";
import type { TreeNode } from "@/lib/core/tree";

/** Where `/` is typed as text: text inputs, text areas, selects and editable content (a checkbox or button is not). */
function takesText(target: HTMLElement): boolean {
  if (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
  return target.tagName === "INPUT" && !["checkbox", "radio", "button", "submit", "reset"].includes((target as HTMLInputElement).type);
}

/** `/` anywhere on the page, except where it would be typed, focuses the filter (as on GitHub). */
export function useSlashFocuses(input: RefObject<HTMLInputElement | null>): void {
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== "/" || takesText(event.target as HTMLElement)) return;
      event.preventDefault();
      input.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [input]);
}

export interface TreeKeyActions {
  rows: readonly TreeNode[];
  focus: number;
  expanded: ReadonlySet<string>;
  moveFocus: (index: number) => void;
  toggle: (path: string, open?: boolean) => void;
  open: (path: string) => void;
}

/** The tree's keys: ↓ and ↑ move, → opens and ← closes a directory, Enter opens the focused row. */
export function onTreeKey(event: KeyboardEvent, { rows, focus, expanded, moveFocus, toggle, open }: TreeKeyActions): void {
  const row = rows[focus];
  if (event.key === "ArrowDown") moveFocus(focus + 1);
  else if (event.key === "ArrowUp") moveFocus(focus - 1);
  else if (event.key === "ArrowRight" && row?.type === "dir") toggle(row.path, true);
  else if (event.key === "ArrowLeft" && row?.type === "dir" && expanded.has(row.path)) toggle(row.path, false);
  else if (event.key === "Enter" && row) open(row.path);
  else return;
  event.preventDefault();
}
