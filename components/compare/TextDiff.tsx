"use client";

import { useState } from "react";
import type { DiffRow } from "@/lib/client/text-diff";

// Thousands of rows at once would freeze the page: they are shown a page at a time.
const PAGE_ROWS = 2000;

const ROW_STYLE = {
  context: "",
  added: "bg-emerald-50 dark:bg-emerald-950/50",
  removed: "bg-rose-50 dark:bg-rose-950/50",
} as const;
const MARKER = { context: " ", added: "+", removed: "-" } as const;

/** A unified diff: each line with its number in A and in B, added lines green, removed lines red. */
export function TextDiff({ rows }: { rows: readonly DiffRow[] }) {
  const [pages, setPages] = useState(1);
  const shown = rows.slice(0, pages * PAGE_ROWS);
  return (
    <div className="overflow-x-auto font-mono text-[13px] leading-5" data-testid="text-diff">
      <table className="w-full border-collapse">
        <tbody>
          {shown.map((row, i) => {
            if (row.kind === "hunk" || row.kind === "note") {
              return (
                <tr key={i} className={row.kind === "hunk" ? "bg-sky-50 text-sky-800 dark:bg-sky-950 dark:text-sky-200" : "text-zinc-500"}>
                  <td colSpan={4} className="px-3 py-0.5 text-xs">
                    {row.kind === "hunk" ? row.header : row.text}
                  </td>
                </tr>
              );
            }
            return (
              <tr
                key={i}
                className={ROW_STYLE[row.kind]}
                data-kind={row.kind}
                data-old-line={row.oldLine ?? undefined}
                data-new-line={row.newLine ?? undefined}
              >
                <td className="w-12 select-none px-2 text-right align-top text-zinc-400">{row.oldLine ?? ""}</td>
                <td className="w-12 select-none px-2 text-right align-top text-zinc-400">{row.newLine ?? ""}</td>
                <td className="w-4 select-none align-top text-zinc-500">{MARKER[row.kind]}</td>
                <td className="whitespace-pre-wrap break-all pr-3">{row.text}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {shown.length < rows.length && (
        <button type="button" onClick={() => setPages(pages + 1)} className="m-3 rounded bg-sky-600 px-3 py-1 text-xs text-white">
          Show {Math.min(PAGE_ROWS, rows.length - shown.length)} more lines ({rows.length - shown.length} left)
        </button>
      )}
    </div>
  );
}
