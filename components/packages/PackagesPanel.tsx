"use client";

import { SearchBox } from "@/components/SearchBox";
import { useMemo, useState } from "react";
import { ErrorPanel, Skeleton } from "@/components/ErrorPanel";
import { PackageTable } from "@/components/packages/PackageTable";
import { formatCount } from "@/lib/core/format";
import { nextSort, searchPackages, sortPackages, type PackageSort } from "@/lib/client/packages";
import { usePackages } from "@/lib/client/packages-data";
import type { PackagesResponse } from "@/lib/core/api-types";

/** More rows than this are not drawn: the search narrows them down. */
const MAX_ROWS = 500;

interface PackagesPanelProps {
  /** The ref pinned to its manifest digest. */
  pinned: string;
  layerHref: (index: number) => string | null;
  fileHref: (path: string) => string;
  /** The package (`type:name`) whose files are shown, or null. */
  open: string | null;
  onOpen: (key: string | null) => void;
}

function Problems({ problems }: { problems: PackagesResponse["problems"] }) {
  if (!problems.length) return null;
  return (
    <div
      data-testid="package-problems"
      className="rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <p className="font-medium">Some package databases could not be read whole; what could be read is listed.</p>
      <ul className="mt-1 space-y-0.5 text-xs">
        {problems.map((problem, index) => (
          <li key={index} className="break-all">
            <span className="font-mono">{problem.db}</span>: {problem.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What is installed: searchable, sortable, each package's layer a link, its files a click away; files asked for once the panel is open. */
export function PackagesPanel({ pinned, layerHref, fileHref, open, onOpen }: PackagesPanelProps) {
  const { packages, withFiles, error, filesError } = usePackages(pinned, true);
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<PackageSort>({ key: "name", descending: false });
  const rows = useMemo(() => (packages ? sortPackages(searchPackages(packages.packages, query), sort) : []), [packages, query, sort]);

  if (error !== undefined) return <ErrorPanel error={error} />;
  if (!packages) return <Skeleton label="Loading packages" />;
  const total = packages.packages.length;
  if (total === 0) {
    return (
      <div className="space-y-2 p-3">
        <p className="text-sm text-zinc-500">No package database found.</p>
        <Problems problems={packages.problems} />
      </div>
    );
  }
  return (
    <section aria-label="Installed packages" className="flex min-h-0 flex-1 flex-col gap-2 p-3">
      <div className="flex items-center gap-2">
        <SearchBox label="Search packages" placeholder="Search packages: name or version" value={query} onChange={setQuery} />
        <span role="status" className="shrink-0 text-xs text-zinc-500">
          {rows.length === total ? `${formatCount(total)} packages` : `${formatCount(rows.length)} of ${formatCount(total)}`}
        </span>
      </div>
      <Problems problems={packages.problems} />
      {filesError !== undefined && <p className="text-xs text-zinc-500">The packages&apos; files could not be loaded.</p>}
      <div className="min-h-0 flex-1 overflow-auto">
        {rows.length ? (
          <PackageTable
            rows={rows.slice(0, MAX_ROWS)}
            sort={sort}
            onSort={(key) => setSort(nextSort(sort, key))}
            withFiles={withFiles}
            layerHref={layerHref}
            fileHref={fileHref}
            open={open}
            onOpen={onOpen}
          />
        ) : (
          <p className="p-2 text-sm text-zinc-500">No package matches the search.</p>
        )}
        {rows.length > MAX_ROWS && (
          <p className="p-2 text-xs text-zinc-500">
            Showing the first {MAX_ROWS} of {formatCount(rows.length)}: search to narrow them down.
          </p>
        )}
      </div>
    </section>
  );
}
