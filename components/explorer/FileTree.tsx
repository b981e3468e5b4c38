"use client";

import { useCallback, useMemo, useState } from "react";
import { FileRow } from "@/components/explorer/FileRow";
import { TreeFilter } from "@/components/tree/TreeFilter";
import { VirtualTree } from "@/components/tree/VirtualTree";
import { packageQuery } from "@/lib/core/glob";
import { directoryLinks, filesOf } from "@/lib/client/package-owners";
import { usePackageOwners } from "@/lib/client/packages-data";
import type { TreeNode } from "@/lib/core/tree";
import { useTreeState } from "@/lib/client/use-tree-state";

const SORT_NAMES = { name: "name", size: "size" } as const;
const isDir = (row: TreeNode) => row.type === "dir" || row.children.length > 0;
const FILTER_HELP = "Filter: name, glob like *.conf, or pkg:NAME  ( / )";

interface FileTreeProps {
  root: TreeNode;
  selectedPath: string;
  hrefFor: (path: string) => string;
  label: string;
  /** The image's pinned ref: where a `pkg:NAME` filter asks which files the package owns. */
  pinned: string;
}

/** What the tree says when no row shows. */
function emptyText(filter: string, known: boolean, owned: boolean, failed: boolean): string {
  const name = packageQuery(filter);
  if (name === null) return filter ? "No file matches the filter." : "Empty.";
  if (failed) return "The packages' files could not be read.";
  if (!known) return "Reading which files each package owns…";
  return owned ? `No file of package ${name} is in this view.` : `No package called ${name} lists files.`;
}

/**
 * The file tree: virtualized (tens of thousands of rows scroll smoothly), sortable, filterable by
 * substring, glob or owning package (`pkg:NAME`), keyboard driven (arrows, Enter, `/` to filter).
 * Each row shows the layer its file comes from and the change it is, coloured.
 */
export function FileTree({ root, selectedPath, hrefFor, label, pinned }: FileTreeProps) {
  const [filter, setFilter] = useState("");
  const links = useMemo(() => directoryLinks(root), [root]);
  // The packages' files are a big answer: asked for only once the filter names a package.
  const { owners, error } = usePackageOwners(pinned, packageQuery(filter) !== null, links);
  const packageFiles = useCallback((name: string) => (owners ? filesOf(owners, name) : undefined), [owners]);
  const state = useTreeState({ root, selectedPath, hrefFor, filter: { value: filter, set: setFilter }, packageFiles });
  const name = packageQuery(filter);
  return (
    <VirtualTree
      state={state}
      label={label}
      treeLabel="Files"
      testId="file-tree"
      controls={<TreeFilter state={state} filterLabel="Filter files" sortLabel="Sort files" sortNames={SORT_NAMES} placeholder={FILTER_HELP} />}
      empty={emptyText(filter.trim(), owners !== undefined, !!name && !!owners && filesOf(owners, name) !== undefined, error !== undefined)}
      isDir={isDir}
      renderRow={(props) => <FileRow {...props} />}
    />
  );
}
