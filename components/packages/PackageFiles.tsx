import Link from "next/link";
import { formatCount } from "@/lib/core/format";
import { packageKey } from "@/lib/client/packages";
import type { InstalledPackage } from "@/lib/core/api-types";

/** More paths than this are not drawn (some packages own tens of thousands). */
const MAX_FILES = 2000;

interface PackageFilesProps {
  pkg: InstalledPackage;
  /** The rows carry their files (else they are still coming). */
  withFiles: boolean;
  fileHref: (path: string) => string;
}

/** The paths a package's database entry names, each a link to it in the explorer; those a later layer removed, struck through. */
export function PackageFiles({ pkg, withFiles, fileHref }: PackageFilesProps) {
  if (!withFiles) return <p className="text-xs text-zinc-500">Loading its files…</p>;
  const files = pkg.files ?? [];
  if (!files.length) return <p className="text-xs text-zinc-500">Its database entry lists no files.</p>;
  const missing = new Set(pkg.missing);
  return (
    <div className="py-1">
      <ul aria-label={`Files of ${packageKey(pkg)}`} className="max-h-64 overflow-auto font-mono text-xs">
        {files.slice(0, MAX_FILES).map((path) => (
          <li key={path} className="break-all">
            {missing.has(path) ? (
              <span className="text-zinc-400 line-through" title="No longer in the image: a later layer removed it">
                {path}
              </span>
            ) : (
              <Link href={fileHref(path)} className="text-sky-600 hover:underline">
                {path}
              </Link>
            )}
          </li>
        ))}
      </ul>
      {files.length > MAX_FILES && (
        <p className="text-xs text-zinc-500">
          Showing the first {formatCount(MAX_FILES)} of {formatCount(files.length)}.
        </p>
      )}
    </div>
  );
}
