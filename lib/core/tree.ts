import type { ChangeKind, DirectoryEntry, EntryType } from "@/lib/core/api-types";
import { baseName, comparePaths, parentOf } from "@/lib/core/paths";

/** What the tree shows of one path, from the merged filesystem or from one layer. */
export interface TreeItem {
  path: string;
  type: EntryType;
  size: number;
  layer?: number;
  linkname?: string;
  change?: ChangeKind;
  /** A directory listed without its contents (the server's first view): the size of everything below it. */
  total?: number;
}

/** The fields a path has only sometimes (the layer it comes from, a link's target, a change), each there only when set. */
export function presentFields(fields: {
  layer?: number | null;
  linkname?: string | null;
  change?: ChangeKind | null;
}): Pick<TreeItem, "layer" | "linkname" | "change"> {
  const { layer, linkname, change } = fields;
  return { ...(layer != null && { layer }), ...(linkname != null && { linkname }), ...(change != null && { change }) };
}

/** A directory listing's entry as the tree shows it: a directory with the size of everything below it. */
export const treeItemOf = (entry: DirectoryEntry): TreeItem => ({
  path: entry.path,
  type: entry.type,
  size: entry.size,
  ...presentFields(entry),
  total: entry.total,
});

export interface TreeNode extends TreeItem {
  name: string;
  depth: number;
  /** Own size for files; sum of everything below for directories (removed entries excluded). */
  total: number;
  children: TreeNode[];
}

export type SortKey = "name" | "size";

/** Every node under `root` (included), parents before children, descending only where `descend` says. */
export function preorder(root: TreeNode, descend: (node: TreeNode) => boolean): TreeNode[] {
  const order: TreeNode[] = [];
  const pending = [root];
  for (let node = pending.pop(); node; node = pending.pop()) {
    order.push(node);
    if (descend(node)) for (const child of node.children) pending.push(child);
  }
  return order;
}

/**
 * Builds the nested tree from a flat list; parents missing from the list appear as directories.
 * Every walk here is a loop, not recursion: a hostile layer's paths can be thousands of levels deep.
 */
export function buildTree(items: readonly TreeItem[]): TreeNode {
  const root: TreeNode = { path: "/", name: "/", type: "dir", size: 0, total: 0, depth: 0, children: [] };
  const byPath = new Map<string, TreeNode>([["/", root]]);
  const ensure = (path: string): TreeNode => {
    const missing: string[] = [];
    let at = path;
    for (; !byPath.has(at); at = parentOf(at)) missing.push(at);
    let node = byPath.get(at) as TreeNode;
    for (const missingPath of missing.reverse()) {
      const child: TreeNode = { path: missingPath, name: baseName(missingPath), type: "dir", size: 0, total: 0, depth: node.depth + 1, children: [] };
      node.children.push(child);
      byPath.set(missingPath, child);
      node = child;
    }
    return node;
  };
  for (const item of items) {
    if (item.path === "/") continue;
    Object.assign(ensure(item.path), item, { children: byPath.get(item.path)?.children ?? [] });
  }
  // Totals children first; nothing below a removed entry counts.
  for (const node of preorder(root, (node) => node.change !== "removed" && node.type === "dir").reverse()) {
    const below = node.children.length > 0 ? node.children.reduce((total, child) => total + child.total, 0) : node.total;
    node.total = node.change === "removed" ? 0 : node.type === "dir" ? below : node.size;
  }
  return root;
}

/** What sorting by size compares: a node's total, unless the view weighs its rows otherwise. */
export type Weight = (node: TreeNode) => number;
const byTotal: Weight = (node) => node.total;

export function sortChildren(children: TreeNode[], key: SortKey, weight: Weight = byTotal): TreeNode[] {
  return [...children].sort((a, b) => (key === "size" ? weight(b) - weight(a) : 0) || comparePaths(a.name, b.name));
}

/**
 * The rows to show: expanded directories' children, in sort order. With a filter, only matching
 * entries and the directories leading to them, all open.
 */
export function visibleRows(
  root: TreeNode,
  options: { expanded: ReadonlySet<string>; sort: SortKey; matches?: (path: string) => boolean; weight?: Weight },
): TreeNode[] {
  const rows: TreeNode[] = [];
  const { matches } = options;
  const keep = new Set<string>();
  if (matches) {
    for (const node of preorder(root, () => true).reverse()) {
      const hit = node.path !== "/" && matches(node.path);
      if (hit || node.children.some((child) => keep.has(child.path))) keep.add(node.path);
    }
  }
  const pending = sortChildren(root.children, options.sort, options.weight).reverse();
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (matches && !keep.has(node.path)) continue;
    rows.push(node);
    if (node.children.length > 0 && (matches || options.expanded.has(node.path))) {
      for (const child of sortChildren(node.children, options.sort, options.weight).reverse()) pending.push(child);
    }
  }
  return rows;
}

export function findNode(root: TreeNode, path: string): TreeNode | null {
  if (path === "/") return root;
  let node: TreeNode | undefined = root;
  for (const name of path.split("/").filter(Boolean)) {
    node = node.children.find((child) => child.name === name);
    if (!node) return null;
  }
  return node;
}
