import Link from "next/link";
import { Fragment } from "react";
import { PackageFiles } from "@/components/packages/PackageFiles";
import { packageKey, type PackageSort, type PackageSortKey } from "@/lib/client/packages";
import { formatCount } from "@/lib/core/format";
import type { InstalledPackage } from "@/lib/core/api-types";

const COLUMNS: readonly { key: PackageSortKey; label: string; numeric?: boolean }[] = [
  { key: "type", label: "Type" },
  { key: "name", label: "Name" },
  { key: "version", label: "Version" },
  { key: "layer", label: "Layer", numeric: true },
  { key: "files", label: "Files", numeric: true },
];

interface PackageTableProps {
  rows: readonly InstalledPackage[];
  sort: PackageSort;
  onSort: (key: PackageSortKey) => void;
  /** The rows carry their files (else the files column says they are coming). */
  withFiles: boolean;
  /** The link to a layer's own view, or null for a layer the image does not have. */
  layerHref: (index: number) => string | null;
  fileHref: (path: string) => string;
  /** The package (`type:name`) whose files are shown under its row, or null. */
  open: string | null;
  onOpen: (key: string | null) => void;
}

function Files({ pkg, withFiles }: { pkg: InstalledPackage; withFiles: boolean }) {
  if (!withFiles) return <span className="text-zinc-400">…</span>;
  if (!pkg.files) return <span className="text-zinc-400">—</span>;
  const missing = pkg.missing?.length ?? 0;
  return (
    <span title={missing ? `${missing} of its files are no longer in the image` : undefined}>
      {formatCount(pkg.files.length)}
      {missing > 0 && <span className="text-zinc-500"> ({formatCount(missing)} gone)</span>}
    </span>
  );
}

/** The inventory as a table; each column header sorts by it, each name opens the package's files. */
export function PackageTable({ rows, sort, onSort, withFiles, layerHref, fileHref, open, onOpen }: PackageTableProps) {
  return (
    <table aria-label="Packages" className="w-full border-collapse text-sm">
      <thead className="sticky top-0 bg-white dark:bg-zinc-950">
        <tr className="border-b border-zinc-200 text-left text-xs text-zinc-500 dark:border-zinc-800">
          {COLUMNS.map(({ key, label, numeric }) => (
            <th
              key={key}
              scope="col"
              aria-sort={sort.key === key ? (sort.descending ? "descending" : "ascending") : undefined}
              className={`px-1 py-1 font-medium ${numeric ? "text-right" : ""}`}
            >
              <button type="button" onClick={() => onSort(key)} className="hover:text-zinc-900 dark:hover:text-zinc-100">
                {label}
                <span aria-hidden="true">{sort.key === key ? (sort.descending ? " ↓" : " ↑") : ""}</span>
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((pkg) => {
          const href = layerHref(pkg.layer);
          const key = packageKey(pkg);
          const opened = open === key;
          return (
            <Fragment key={`${key}:${pkg.db}:${pkg.arch ?? ""}:${pkg.version}`}>
              <tr data-testid="package-row" className="border-b border-zinc-100 align-top dark:border-zinc-900">
                <td className="px-1 py-0.5 text-xs text-zinc-500">{pkg.type}</td>
                <td className="break-all px-1 py-0.5 font-mono" title={pkg.db}>
                  <button
                    type="button"
                    aria-expanded={opened}
                    onClick={() => onOpen(opened ? null : key)}
                    className="text-left hover:text-sky-600 hover:underline aria-expanded:text-sky-600"
                  >
                    {pkg.name}
                  </button>
                </td>
                <td className="break-all px-1 py-0.5 font-mono text-xs" title={pkg.arch}>
                  {pkg.version}
                </td>
                <td className="px-1 py-0.5 text-right font-mono text-xs">
                  {href ? (
                    <Link href={href} className="text-sky-600 hover:underline" title={`What layer ${pkg.layer} changed`}>
                      #{pkg.layer}
                    </Link>
                  ) : (
                    `#${pkg.layer}`
                  )}
                </td>
                <td className="px-1 py-0.5 text-right text-xs">
                  <Files pkg={pkg} withFiles={withFiles} />
                </td>
              </tr>
              {opened && (
                <tr data-testid="package-files" className="border-b border-zinc-100 dark:border-zinc-900">
                  <td colSpan={COLUMNS.length} className="px-1">
                    <PackageFiles pkg={pkg} withFiles={withFiles} fileHref={fileHref} />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
