"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { highlight, languageFor } from "@/lib/client/highlight";
import { useHash } from "@/lib/client/use-hash";
import { lineHash, parseLineHash } from "@/lib/core/urls";

// Highlighting and line buttons for a whole large file at once would freeze the page.
const PAGE_LINES = 2000;
const LINE_HEIGHT = 20;

/** Text with line numbers and highlighting; clicking a number selects its line (shift extends), as `#L12-L20`. */
export function TextView({ text, name }: { text: string; name: string }) {
  const [hash, setHash] = useHash();
  const [pages, setPages] = useState(1);
  const [anchor, setAnchor] = useState<number | null>(null);
  const lines = useMemo(() => {
    const all = text.split("\n");
    if (all.at(-1) === "") all.pop();
    return all;
  }, [text]);
  const range = parseLineHash(hash);
  const shownCount = Math.min(lines.length, pages * PAGE_LINES, Math.max(PAGE_LINES, range?.to ?? 0));
  const shown = lines.slice(0, shownCount).join("\n");
  const html = useMemo(() => highlight(shown, languageFor(name)), [shown, name]);

  // A link that opens on a selection scrolls to it, once: later selections are made where the reader already is.
  const openedOn = useRef(range?.from);
  useEffect(() => {
    if (openedOn.current !== undefined) document.getElementById(`L${openedOn.current}`)?.scrollIntoView({ block: "center" });
  }, []);

  const select = (line: number, extend: boolean) => {
    const from = extend && anchor !== null ? anchor : line;
    if (!extend) setAnchor(line);
    setHash(lineHash({ from: Math.min(from, line), to: Math.max(from, line) }));
  };

  return (
    <div className="relative flex font-mono text-[13px]" style={{ lineHeight: `${LINE_HEIGHT}px` }}>
      {range && (
        <div
          aria-hidden="true"
          data-testid="line-selection"
          className="pointer-events-none absolute left-0 right-0 bg-amber-200/50 dark:bg-amber-500/20"
          style={{ top: (range.from - 1) * LINE_HEIGHT + 12, height: (range.to - range.from + 1) * LINE_HEIGHT }}
        />
      )}
      <div className="select-none py-3 pr-3 text-right text-zinc-400">
        {Array.from({ length: shownCount }, (_, i) => (
          <button
            key={i}
            id={`L${i + 1}`}
            type="button"
            data-line={i + 1}
            aria-label={`Line ${i + 1}`}
            aria-pressed={range ? i + 1 >= range.from && i + 1 <= range.to : false}
            onClick={(event) => select(i + 1, event.shiftKey)}
            className="block w-full pl-3 text-right hover:text-sky-600 aria-pressed:font-semibold aria-pressed:text-amber-700"
          >
            {i + 1}
          </button>
        ))}
      </div>
      {html !== null ? (
        <pre className="hljs min-w-0 flex-1 overflow-x-auto py-3 pr-3">
          <code dangerouslySetInnerHTML={{ __html: html }} />
        </pre>
      ) : (
        <pre className="min-w-0 flex-1 overflow-x-auto py-3 pr-3">
          <code>{shown}</code>
        </pre>
      )}
      {shownCount < lines.length && (
        <button
          type="button"
          onClick={() => setPages(pages + 1)}
          className="absolute bottom-0 left-1/2 -translate-x-1/2 rounded bg-sky-600 px-3 py-1 text-xs text-white"
        >
          Show {Math.min(PAGE_LINES, lines.length - shownCount)} more lines ({lines.length - shownCount} left)
        </button>
      )}
    </div>
  );
}
