"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { FileRow } from "@/components/explorer/FileRow";
import { TreeFilter } from "@/components/tree/TreeFilter";
import { VirtualTree } from "@/components/tree/VirtualTree";
import { packageQuery } from "@/lib/core/glob";
import { directoryLinks, filesOf } from "@/lib/client/package-owners";
import { usePackageOwners } from "@/lib/client/packages-data";
import { buildTree, type TreeNode } from "@/lib/core/tree";
import { useTreeState } from "@/lib/client/use-tree-state";
import type { LazyView } from "@/lib/client/explorer-data";
import { useServerSearch, type ServerSearch } from "@/lib/client/lazy-tree";
import { formatCount } from "@/lib/core/format";

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
  /** A big image's tree: loaded as directories open, filtered by the server. */
  lazy?: LazyView | null;
}

const NOTHING = buildTree([]);

/** What a server-side filter says about its answer: still coming, failed, or cut at its limit. */
function searchStatus(search: ServerSearch): string | null {
  if (search.error !== undefined) return "The search failed.";
  const { found } = search;
  return found && found.total > found.shown ? `${formatCount(found.total)} paths match: the first ${formatCount(found.shown)} are shown.` : null;
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
export function FileTree({ root, selectedPath, hrefFor, label, pinned, lazy }: FileTreeProps) {
  const [filter, setFilter] = useState("");
  // A big image's tree holds only what was opened: a name or a glob is looked for by the server.
  const searching = lazy !== undefined && lazy !== null && filter.trim() !== "" && packageQuery(filter) === null;
  const search = useServerSearch(pinned, searching ? lazy.of : null, filter);
  const shown = searching ? (search.tree ?? NOTHING) : root;
  const links = useMemo(() => directoryLinks(root), [root]);
  // The packages' files are a big answer: asked for only once the filter names a package.
  const { owners, error } = usePackageOwners(pinned, packageQuery(filter) !== null, links);
  const packageFiles = useCallback((name: string) => (owners ? filesOf(owners, name) : undefined), [owners]);
  const state = useTreeState({ root: shown, selectedPath, hrefFor, filter: { value: filter, set: setFilter }, packageFiles });
  const open = lazy?.open;
  // Every directory the tree opens (a click, a key, the way down to a link) is loaded.
  useEffect(() => state.expanded.forEach((path) => open?.(path)), [state.expanded, open]);
  const name = packageQuery(filter);
  const status = searching ? searchStatus(search) : null;
  return (
    <VirtualTree
      state={state}
      label={label}
      treeLabel="Files"
      testId="file-tree"
      controls={
        <>
          <TreeFilter state={state} filterLabel="Filter files" sortLabel="Sort files" sortNames={SORT_NAMES} placeholder={FILTER_HELP} />
          {status && (
            <p role="status" className="text-xs text-zinc-500">
              {status}
            </p>
          )}
        </>
      }
      empty={
        searching && !search.tree && search.error === undefined
          ? "Searching…"
          : emptyText(filter.trim(), owners !== undefined, !!name && !!owners && filesOf(owners, name) !== undefined, error !== undefined)
      }
      isDir={isDir}
      renderRow={(props) => <FileRow {...props} />}
    />
  );
}
