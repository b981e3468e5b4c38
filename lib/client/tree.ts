import type { ChangeKind, EntryType } from "@/lib/api-types";

/** What the tree shows of one path, from the merged filesystem or from one layer. */
export interface TreeItem {
  path: string;
  type: EntryType;
  size: number;
  layer?: number;
  linkname?: string;
  change?: ChangeKind;
}

export interface TreeNode extends TreeItem {
  name: string;
  depth: number;
  /** Own size for files; sum of everything below for directories (removed entries excluded). */
  total: number;
  children: TreeNode[];
}

export type SortKey = "name" | "size";

/** Builds the nested tree from a flat list; parents missing from the list appear as directories. */
export function buildTree(items: readonly TreeItem[]): TreeNode {
  const root: TreeNode = { path: "/", name: "/", type: "dir", size: 0, total: 0, depth: 0, children: [] };
  const byPath = new Map<string, TreeNode>([["/", root]]);
  const ensure = (path: string): TreeNode => {
    const existing = byPath.get(path);
    if (existing) return existing;
    const slash = path.lastIndexOf("/");
    const parent = ensure(slash <= 0 ? "/" : path.slice(0, slash));
    const node: TreeNode = { path, name: path.slice(slash + 1), type: "dir", size: 0, total: 0, depth: parent.depth + 1, children: [] };
    parent.children.push(node);
    byPath.set(path, node);
    return node;
  };
  for (const item of items) {
    if (item.path === "/") continue;
    Object.assign(ensure(item.path), item, { children: byPath.get(item.path)?.children ?? [] });
  }
  const sum = (node: TreeNode): number => {
    node.total = node.change === "removed" ? 0 : node.type === "dir" ? node.children.reduce((total, child) => total + sum(child), 0) : node.size;
    return node.total;
  };
  sum(root);
  return root;
}

export function sortChildren(children: TreeNode[], key: SortKey): TreeNode[] {
  return [...children].sort((a, b) => (key === "size" ? b.total - a.total : 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The rows to show: expanded directories' children, in sort order. With a filter, only matching
 * entries and the directories leading to them, all open.
 */
export function visibleRows(root: TreeNode, options: { expanded: ReadonlySet<string>; sort: SortKey; matches?: (path: string) => boolean }): TreeNode[] {
  const rows: TreeNode[] = [];
  const { matches } = options;
  const keep = new Set<string>();
  if (matches) {
    const mark = (node: TreeNode): boolean => {
      const childMatched = node.children.map(mark).some(Boolean);
      const hit = node.path !== "/" && matches(node.path);
      if (hit || childMatched) keep.add(node.path);
      return hit || childMatched;
    };
    mark(root);
  }
  const walk = (node: TreeNode) => {
    for (const child of sortChildren(node.children, options.sort)) {
      if (matches && !keep.has(child.path)) continue;
      rows.push(child);
      if (child.children.length > 0 && (matches || options.expanded.has(child.path))) walk(child);
    }
  };
  walk(root);
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
