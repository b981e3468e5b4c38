"use client";

import { useMemo } from "react";
import { directoryLinks, ownersOf, packageLabel } from "@/lib/client/package-owners";
import { usePackageOwners } from "@/lib/client/packages-data";
import type { TreeNode } from "@/lib/core/tree";

const CLASS = "max-w-full truncate font-mono text-xs";

/**
 * The package that owns the shown file (`deb:coreutils 9.1-1`), or "not from a package" when the
 * image's packages list their files and none lists this one. Asks for the packages' files only now
 * that a file is shown. Names and versions are attacker-written: text only.
 */
export function FileOwner({ pinned, path, root }: { pinned: string; path: string; root: TreeNode }) {
  const links = useMemo(() => directoryLinks(root), [root]);
  const { owners, error } = usePackageOwners(pinned, true, links);
  if (error !== undefined || !owners) return null;
  // No package lists any file (no package database, or only npm and Go): nothing to say.
  if (owners.byPath.size === 0) return null;
  const found = ownersOf(owners, path);
  if (found.length === 0) {
    return (
      <span data-testid="file-owner" className={`${CLASS} italic text-zinc-500`}>
        not from a package
      </span>
    );
  }
  const label = found.map(packageLabel).join(", ");
  return (
    <span
      data-testid="file-owner"
      title={`Owned by ${label}`}
      className={`${CLASS} rounded bg-sky-50 px-1.5 text-sky-800 dark:bg-sky-950 dark:text-sky-200`}
    >
      {label}
    </span>
  );
}
