"use client";

import { useMemo } from "react";
import { KIND_COLOUR } from "@/components/change-colours";
import { ErrorPanel, Skeleton } from "@/components/ErrorPanel";
import { SidesHead } from "@/components/compare/SidesHead";
import { diffPackages, packageDiffSummary, type PackageDiffRow } from "@/lib/client/package-diff";
import { surfaceItems, surfaceItemText } from "@/lib/core/surface-words";
import { usePackages } from "@/lib/client/packages-data";
import type { Surface } from "@/lib/core/api-types";

const COLOUR: Record<PackageDiffRow["kind"], string> = { added: KIND_COLOUR.added, removed: KIND_COLOUR.removed, changed: KIND_COLOUR.modified };
const MARK: Record<PackageDiffRow["kind"], string> = { added: "+", removed: "\u2212", changed: "~" };

function Version({ value }: { value: string | null }) {
  return value === null ? <span className="italic text-zinc-400">not installed</span> : <span className="break-all">{value}</span>;
}

/** One image's attack surface, item by item, in the packages panel's words. Attacker-written names: text only. */
function SurfaceList({ surface, side }: { surface: Surface; side: "a" | "b" }) {
  return (
    <ul data-testid={`surface-${side}`} className="space-y-0.5 px-3 py-1">
      {surfaceItems(surface).map((item) => (
        <li key={item.key} className={item.kind === "text" && item.risky ? "text-rose-700 dark:text-rose-400" : undefined}>
          {surfaceItemText(item)}
        </li>
      ))}
    </ul>
  );
}

/**
 * The packages of the two images: which were added, removed or changed version (`from → to`, by
 * `type:name`), and the two attack surfaces side by side. Both inventories come from
 * /api/v1/packages; the difference is computed here.
 */
export function PackagesCompare({ refA, refB }: { refA: string; refB: string }) {
  const a = usePackages(refA);
  const b = usePackages(refB);
  const rows = useMemo(() => (a.packages && b.packages ? diffPackages(a.packages.packages, b.packages.packages) : null), [a.packages, b.packages]);
  const error = a.error ?? b.error;
  const none = a.packages?.packages.length === 0 && b.packages?.packages.length === 0;

  return (
    <section aria-label="Packages" className="rounded border border-zinc-200 dark:border-zinc-800">
      <h2 className="border-b border-zinc-200 px-3 py-2 text-sm font-medium dark:border-zinc-800">
        Packages{" "}
        {rows && (
          <span data-testid="package-diff-summary" className="font-normal text-zinc-500">
            ({none ? "no package database in either image" : packageDiffSummary(rows)})
          </span>
        )}
      </h2>
      {error !== undefined && (
        <div className="p-3">
          <ErrorPanel error={error} />
        </div>
      )}
      {error === undefined && !rows && (
        <div className="p-3">
          <Skeleton label="Reading both images' packages" lines={3} />
        </div>
      )}
      {rows && rows.length > 0 && (
        <div className="max-h-72 overflow-auto">
          <table aria-label="Package changes" className="w-full table-fixed text-left font-mono text-xs">
            <SidesHead first="package" firstClass="w-2/5" />
            <tbody>
              {rows.map((row) => (
                <tr key={row.package} data-kind={row.kind} className="border-t border-zinc-100 align-top dark:border-zinc-800">
                  <th scope="row" className={`break-all px-3 py-1 font-medium ${COLOUR[row.kind]}`}>
                    <span aria-hidden="true">{MARK[row.kind]} </span>
                    {row.package}
                  </th>
                  <td className="bg-rose-50/60 px-3 py-1 dark:bg-rose-950/30">
                    <Version value={row.from} />
                  </td>
                  <td className="bg-emerald-50/60 px-3 py-1 dark:bg-emerald-950/30">
                    <Version value={row.to} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {a.packages && b.packages && (
        <div aria-label="Attack surfaces" role="group" className="border-t border-zinc-200 text-xs dark:border-zinc-800">
          <h3 className="px-3 pt-2 font-medium text-zinc-500">Attack surface</h3>
          <div className="grid grid-cols-2 gap-2">
            <div>
              <p className="px-3 pt-1 font-medium text-zinc-500">A</p>
              <SurfaceList surface={a.packages.surface} side="a" />
            </div>
            <div>
              <p className="px-3 pt-1 font-medium text-zinc-500">B</p>
              <SurfaceList surface={b.packages.surface} side="b" />
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
