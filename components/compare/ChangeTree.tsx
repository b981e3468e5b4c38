"use client";

import { useMemo, useState } from "react";
import { ChangeFilters } from "@/components/compare/ChangeFilters";
import { ChangeRow } from "@/components/compare/ChangeRow";
import { VirtualTree } from "@/components/tree/VirtualTree";
import { buildCompareTree, CHANGE_KINDS, deltaWeight } from "@/lib/client/compare-tree";
import type { TreeNode } from "@/lib/core/tree";
import { useTreeState } from "@/lib/client/use-tree-state";
import type { ChangeKind, DiffChange, DiffSummary } from "@/lib/core/api-types";

/** A directory opens when changes lie below it; a changed directory with none shown is a leaf. */
const isDir = (row: TreeNode) => row.children.length > 0;

interface ChangeTreeProps {
  changes: readonly DiffChange[];
  summary: DiffSummary;
  selectedPath: string;
  hrefFor: (path: string) => string;
}

/**
 * Every changed path as a tree, collapsed to directories that say what changed below them:
 * virtualized, filterable by kind and by name or glob, sortable by path or by how much changed,
 * keyboard driven (arrows, Enter, `/` to filter) like the image's file tree.
 */
export function ChangeTree({ changes, summary, selectedPath, hrefFor }: ChangeTreeProps) {
  const [kinds, setKinds] = useState<ReadonlySet<ChangeKind>>(() => new Set(CHANGE_KINDS));
  const tree = useMemo(() => buildCompareTree(changes, kinds), [changes, kinds]);
  const weight = useMemo(() => deltaWeight(tree), [tree]);
  const state = useTreeState({ root: tree.root, selectedPath, hrefFor, weight });
  return (
    <VirtualTree
      state={state}
      label="Changes"
      treeLabel="Changed paths"
      testId="change-tree"
      controls={<ChangeFilters state={state} kinds={kinds} onKinds={setKinds} summary={summary} />}
      empty={changes.length === 0 ? "No differences: every path is the same in both images." : "No change matches the filters."}
      isDir={isDir}
      renderRow={(props) => <ChangeRow {...props} change={tree.changes.get(props.row.path)} below={tree.below.get(props.row.path)} />}
    />
  );
}
