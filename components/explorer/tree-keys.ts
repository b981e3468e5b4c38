import { useEffect, type KeyboardEvent, type RefObject } from "react";
import type { TreeNode } from "@/lib/client/tree";

const FORM_FIELDS = ["INPUT", "TEXTAREA", "SELECT"];

/** `/` anywhere on the page, outside a form field, focuses the filter (as on GitHub). */
export function useSlashFocuses(input: RefObject<HTMLInputElement | null>): void {
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== "/" || FORM_FIELDS.includes((event.target as HTMLElement).tagName)) return;
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
