import { useMemo, useState } from "react";
import { SearchBox } from "@/components/SearchBox";
import { formatCount } from "@/lib/core/format";
import type { SbomPackage } from "@/lib/client/supply-chain";

/** More rows than this are not drawn: the search narrows them down. */
const MAX_ROWS = 500;

/** An SBOM's packages as a searchable table. */
export function SbomTable({ format, packages }: { format: string; packages: readonly SbomPackage[] }) {
  const [query, setQuery] = useState("");
  const rows = useMemo(() => {
    const needle = query.trim().toLowerCase();
    return needle ? packages.filter((p) => `${p.name} ${p.version} ${p.purl}`.toLowerCase().includes(needle)) : packages;
  }, [packages, query]);
  return (
    <div className="space-y-1">
      <div className="flex items-center gap-2">
        <h4 className="font-medium">
          {format}: {formatCount(packages.length)} packages
        </h4>
        <SearchBox label="Search the SBOM" placeholder="Search packages" value={query} onChange={setQuery} />
      </div>
      <div className="max-h-80 overflow-auto">
        <table aria-label="SBOM packages" className="w-full text-xs">
          <thead className="sticky top-0 bg-white text-left uppercase tracking-wide text-zinc-500 dark:bg-zinc-950">
            <tr>
              <th className="pr-2 font-normal">Name</th>
              <th className="pr-2 font-normal">Version</th>
              <th className="pr-2 font-normal">License</th>
              <th className="font-normal">purl</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, MAX_ROWS).map((p, index) => (
              <tr key={index} className="border-t border-zinc-100 align-top dark:border-zinc-900">
                <td className="break-all pr-2">{p.name}</td>
                <td className="break-all pr-2">{p.version}</td>
                <td className="break-all pr-2">{p.license}</td>
                <td className="break-all font-mono">{p.purl}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > MAX_ROWS && (
        <p className="text-xs text-zinc-500">
          Showing {MAX_ROWS} of {formatCount(rows.length)}: search to narrow them down.
        </p>
      )}
    </div>
  );
}
