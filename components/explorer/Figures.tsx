import Link from "next/link";
import type { FsFigures } from "@/lib/core/api-types";
import { formatBytes, formatPercent } from "@/lib/core/format";

/** Image-wide waste: dive's figures, our reclaimable bytes, and the paths wasting most. */
export function Figures({ figures, hrefFor }: { figures: FsFigures; hrefFor: (path: string) => string }) {
  const shown: [string, string, string][] = [
    ["Efficiency", formatPercent(figures.efficiency), "dive's score: 100 % means no file is stored twice or deleted later"],
    ["Wasted", formatBytes(figures.wastedBytes), "dive's wasted bytes: all copies of paths found in several layers"],
    ["Reclaimable", formatBytes(figures.reclaimableBytes), "what squashing the layers would save: overwritten, deleted and duplicated file bytes"],
    ["User wasted", formatPercent(figures.userWastedPercent), "wasted bytes relative to what the layers above the base add"],
  ];
  return (
    <section aria-label="Image efficiency" className="space-y-3 p-3">
      <dl className="grid grid-cols-2 gap-3">
        {shown.map(([name, value, hint]) => (
          <div key={name} title={hint} className="rounded border border-zinc-200 p-2 dark:border-zinc-800">
            <dt className="text-xs uppercase tracking-wide text-zinc-500">{name}</dt>
            <dd className="text-lg font-semibold" data-testid={`figure-${name.toLowerCase().replace(" ", "-")}`}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {figures.inefficiencies.length > 0 && (
        <div>
          <h2 className="text-sm font-medium">Biggest wasters</h2>
          <ol className="mt-1 space-y-0.5 font-mono text-xs">
            {figures.inefficiencies.slice(0, 12).map((item) => (
              <li key={item.path} className="flex justify-between gap-2">
                <Link href={hrefFor(item.path)} className="min-w-0 truncate text-sky-600 hover:underline">
                  {item.path}
                </Link>
                <span className="shrink-0 text-zinc-500">
                  {item.count}× · {formatBytes(item.wastedBytes)}
                </span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
