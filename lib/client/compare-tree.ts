import type { ChangeKind, DiffChange, DiffEntry } from "@/lib/core/api-types";
import { buildTree, preorder, type TreeItem, type TreeNode, type Weight } from "@/lib/core/tree";

/**
 * The changes of a comparison as a tree: each changed path a node coloured by its kind, the
 * directories leading to them implied, and for every directory what changed below it, rolled up.
 */

export const CHANGE_KINDS: readonly ChangeKind[] = ["added", "removed", "modified"];

/** What changed below a node (the node itself not included). */
export interface Rollup {
  added: number;
  removed: number;
  modified: number;
  /** Regular-file bytes in b minus those in a. */
  delta: number;
}

export interface CompareTree {
  root: TreeNode;
  /** By path, for every node with children (the root included). */
  below: ReadonlyMap<string, Rollup>;
  /** The changes shown, by path. */
  changes: ReadonlyMap<string, DiffChange>;
}

/** Regular-file bytes (as the summary counts them: hardlinks share their target's bytes). */
const fileBytes = (entry: DiffEntry | null) => (entry?.type === "file" ? entry.size : 0);

/** How many regular-file bytes a change adds (positive) or takes away (negative). */
export const byteDelta = (change: DiffChange) => fileBytes(change.b) - fileBytes(change.a);

/** A rollup's number of changed paths. */
export const changedCount = (rollup: Rollup) => rollup.added + rollup.removed + rollup.modified;

function itemOf(change: DiffChange): TreeItem {
  const entry = (change.b ?? change.a) as DiffEntry;
  return { path: change.path, type: entry.type, size: entry.size, linkname: entry.linkname, change: change.change };
}

/** The tree of the changes of the given kinds. Loops, not recursion: hostile paths can nest thousands deep. */
export function buildCompareTree(changes: readonly DiffChange[], kinds: ReadonlySet<ChangeKind>): CompareTree {
  const shown = changes.filter((change) => kinds.has(change.change));
  const root = buildTree(shown.map(itemOf));
  const byPath = new Map(shown.map((change) => [change.path, change]));
  const below = new Map<string, Rollup>();
  // Children before parents: a node's rollup is its children's changes and their rollups.
  for (const node of preorder(root, (n) => n.children.length > 0).reverse()) {
    if (node.children.length === 0) continue;
    const rollup: Rollup = { added: 0, removed: 0, modified: 0, delta: 0 };
    for (const child of node.children) {
      const change = byPath.get(child.path);
      if (change) {
        rollup[change.change]++;
        rollup.delta += byteDelta(change);
      }
      const childBelow = below.get(child.path);
      if (childBelow) {
        rollup.added += childBelow.added;
        rollup.removed += childBelow.removed;
        rollup.modified += childBelow.modified;
        rollup.delta += childBelow.delta;
      }
    }
    below.set(node.path, rollup);
  }
  return { root, below, changes: byPath };
}

/** Sorting by size sorts by how much a node changes, growing or shrinking: its own delta and everything below. */
export function deltaWeight(tree: CompareTree): Weight {
  return (node) => {
    const own = tree.changes.get(node.path);
    return Math.abs((own ? byteDelta(own) : 0) + (tree.below.get(node.path)?.delta ?? 0));
  };
}
