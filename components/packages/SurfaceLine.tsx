"use client";

import Link from "next/link";
import { Fragment, useState } from "react";
import { surfaceItems, type SurfaceItem } from "@/lib/core/surface-words";
import type { Surface } from "@/lib/core/api-types";

const LINK = "text-sky-600 hover:underline";

function Item({ item, open, onToggle, hrefFor }: { item: SurfaceItem; open: boolean; onToggle: () => void; hrefFor: (path: string) => string }) {
  if (item.kind === "text") return <span className={item.risky ? "text-rose-700 dark:text-rose-400" : undefined}>{item.text}</span>;
  if (item.kind === "named") {
    return (
      <span>
        {item.before}
        {item.names.map((named, index) => (
          <Fragment key={named.name}>
            {index > 0 && ", "}
            <Link href={hrefFor(named.path)} title={named.path} className={`font-mono ${LINK}`}>
              {named.name}
            </Link>
          </Fragment>
        ))}
        {item.after}
      </span>
    );
  }
  return (
    <button type="button" aria-expanded={open} onClick={onToggle} className={LINK}>
      {item.text}
    </button>
  );
}

/** The attack surface in one line of plain words; names link to their files, counts open to their lists. */
export function SurfaceLine({ surface, hrefFor }: { surface: Surface; hrefFor: (path: string) => string }) {
  const [openKey, setOpenKey] = useState<string | null>(null);
  const items = surfaceItems(surface);
  const opened = items.find((item) => item.key === openKey);
  return (
    <section aria-label="Attack surface" className="mt-2 text-sm">
      <p data-testid="attack-surface">
        <span className="text-xs uppercase tracking-wide text-zinc-500">Attack surface </span>
        {items.map((item, index) => (
          <Fragment key={item.key}>
            {index > 0 && <span className="text-zinc-400"> · </span>}
            <Item item={item} open={openKey === item.key} onToggle={() => setOpenKey(openKey === item.key ? null : item.key)} hrefFor={hrefFor} />
          </Fragment>
        ))}
      </p>
      {opened?.kind === "list" && (
        <ul aria-label={opened.text} className="mt-1 max-h-40 overflow-auto font-mono text-xs">
          {opened.paths.map(({ path, note }) => (
            <li key={path} className="break-all">
              <Link href={hrefFor(path)} className={LINK}>
                {path}
              </Link>
              {note && <span className="ml-2 text-zinc-500">{note}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
