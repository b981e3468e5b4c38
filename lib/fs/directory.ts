import type { DirectoryEntry, DirectoryResponse, FsResponse, FsSummary, SearchResponse } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { pathMatcher } from "@/lib/core/glob";
import { pageOf } from "@/lib/core/paging";
import { cleanPath, comparePaths } from "@/lib/core/paths";
import { buildTree, findNode, preorder, sortChildren, type SortKey, type TreeNode } from "@/lib/core/tree";

/** Each merged filesystem's tree, built on first use and kept as long as the listing is. */
const trees = new WeakMap<FsResponse, TreeNode>();

function treeOf(fs: FsResponse): TreeNode {
  let tree = trees.get(fs);
  if (!tree) trees.set(fs, (tree = buildTree(fs.files)));
  return tree;
}

function entryOf(node: TreeNode): DirectoryEntry {
  const { path, name, type, size, layer, linkname, total } = node;
  return {
    path,
    name,
    type,
    size,
    ...(layer !== undefined && { layer }),
    ...(linkname !== undefined && { linkname }),
    total,
    children: node.children.length,
  };
}

/**
 * One directory of a merged filesystem: its children by name (or biggest first), directories with
 * the size of everything below them. Parents no layer lists are directories, as the runtimes create them.
 */
export function directoryOf(fs: FsResponse, rawPath: string, sort: SortKey = "name"): DirectoryResponse {
  const path = cleanPath(rawPath);
  const node = findNode(treeOf(fs), path);
  if (!node) throw new PortholeError("NOT_FOUND", `${path} is not in the image`);
  if (node.type !== "dir") throw new PortholeError("BAD_REQUEST", `${path} is a ${node.type}, not a directory`);
  return { digest: fs.digest, path, total: node.total, children: sortChildren(node.children, sort).map(entryOf) };
}

/**
 * The paths a filter matches (a substring, or a glob: lib/core/glob.ts), in path order: the first
 * `limit` after the path `after`, how many in all, and where the next page starts.
 */
export function searchOf(fs: FsResponse, query: string, limit: number, after?: string): SearchResponse {
  if (!query.trim()) throw new PortholeError("BAD_REQUEST", "a search needs something to look for");
  const matches = pathMatcher(query);
  const found = preorder(treeOf(fs), () => true).filter((node) => node.path !== "/" && matches(node.path));
  found.sort((a, b) => comparePaths(a.path, b.path));
  const { items, ...rest } = pageOf(found, { limit, ...(after !== undefined && { after }) });
  return { digest: fs.digest, query, matches: items.map(entryOf), ...rest };
}

/** A merged filesystem's figures without its files. */
export function summaryOf(fs: FsResponse): FsSummary {
  const { digest, layers, efficiency, wastedBytes, userWastedPercent, reclaimableBytes, inefficiencies, files } = fs;
  return { digest, layers, efficiency, wastedBytes, userWastedPercent, reclaimableBytes, inefficiencies, entries: files.length };
}
