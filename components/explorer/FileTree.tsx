"use client";

import { FileRow } from "@/components/explorer/FileRow";
import { TreeFilter } from "@/components/tree/TreeFilter";
import { VirtualTree } from "@/components/tree/VirtualTree";
import type { TreeNode } from "@/lib/client/tree";
import { useTreeState } from "@/lib/client/use-tree-state";

const SORT_NAMES = { name: "name", size: "size" } as const;
const isDir = (row: TreeNode) => row.type === "dir" || row.children.length > 0;

interface FileTreeProps {
  root: TreeNode;
  selectedPath: string;
  hrefFor: (path: string) => string;
  label: string;
}

/**
 * The file tree: virtualized (tens of thousands of rows scroll smoothly), sortable, filterable by
 * substring or glob, keyboard driven (arrows, Enter, `/` to filter). Each row shows the layer its
 * file comes from and the change it is, coloured.
 */
export function FileTree({ root, selectedPath, hrefFor, label }: FileTreeProps) {
  const state = useTreeState({ root, selectedPath, hrefFor });
  return (
    <VirtualTree
      state={state}
      label={label}
      treeLabel="Files"
      testId="file-tree"
      controls={<TreeFilter state={state} filterLabel="Filter files" sortLabel="Sort files" sortNames={SORT_NAMES} />}
      empty={state.filter ? "No file matches the filter." : "Empty."}
      isDir={isDir}
      renderRow={(props) => <FileRow {...props} />}
    />
  );
}
