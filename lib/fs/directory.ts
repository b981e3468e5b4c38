import type { Change, ChangesResponse, DirectoryEntry, DirectoryResponse, FsResponse, FsSummary, SearchResponse } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { pathMatcher } from "@/lib/core/glob";
import { pageOf, type Page } from "@/lib/core/paging";
import { cleanPath, comparePaths } from "@/lib/core/paths";
import { buildTree, findNode, preorder, presentFields, sortChildren, type SortKey, type TreeNode } from "@/lib/core/tree";

/** Each merged filesystem's tree (and each layer's tree of changes), built on first use and kept as long as the list is. */
const trees = new WeakMap<FsResponse | readonly Change[], TreeNode>();

function treeOf(list: FsResponse | readonly Change[]): TreeNode {
  let tree = trees.get(list);
  if (!tree) trees.set(list, (tree = buildTree("files" in list ? list.files : list)));
  return tree;
}

function entryOf(node: TreeNode): DirectoryEntry {
  const { path, name, type, size, total } = node;
  return { path, name, type, size, ...presentFields(node), total, children: node.children.length };
}

function directoryIn(root: TreeNode, digest: string, rawPath: string, sort: SortKey, absent: (path: string) => string): DirectoryResponse {
  const path = cleanPath(rawPath);
  const node = findNode(root, path);
  if (!node) throw new PortholeError("NOT_FOUND", absent(path));
  if (node.type !== "dir") throw new PortholeError("BAD_REQUEST", `${path} is a ${node.type}, not a directory`);
  return { digest, path, total: node.total, children: sortChildren(node.children, sort).map(entryOf) };
}

/**
 * One directory of a merged filesystem: its children by name (or biggest first), directories with
 * the size of everything below them. Parents no layer lists are directories, as the runtimes create them.
 */
export function directoryOf(fs: FsResponse, path: string, sort: SortKey = "name"): DirectoryResponse {
  return directoryIn(treeOf(fs), fs.digest, path, sort, (missing) => `${missing} is not in the image`);
}

/**
 * One directory of what layer `layer` changed (`changes`, as the merge gives them): the changes in
 * it and the directories on the way to changes further down, as the layer's view draws them.
 */
export function changedDirectoryOf(
  digest: string,
  layer: number,
  changes: readonly Change[],
  path: string,
  sort: SortKey = "name",
): DirectoryResponse {
  return directoryIn(treeOf(changes), digest, path, sort, (missing) => `layer ${layer} changed nothing at or below ${missing}`);
}

/**
 * The paths a filter matches (a substring, or a glob: lib/core/glob.ts), in path order: the first
 * `limit` after the path `after`, how many in all, and where the next page starts.
 */
export function searchOf(fs: FsResponse, query: string, limit: number, after?: string): SearchResponse {
  const matches = searchFor(query);
  const found = preorder(treeOf(fs), () => true).filter((node) => node.path !== "/" && matches(node.path));
  found.sort((a, b) => comparePaths(a.path, b.path));
  const { items, ...rest } = pageOf(found, { limit, ...(after !== undefined && { after }) });
  return { digest: fs.digest, query, matches: items.map(entryOf), ...rest };
}

/** What a search's query matches; a query of nothing is refused. */
export function searchFor(query: string): (path: string) => boolean {
  if (!query.trim()) throw new PortholeError("BAD_REQUEST", "a search needs something to look for");
  return pathMatcher(query);
}

/** Layer `layer`'s changes as the API gives them: all, or a page; with `query`, those whose paths it matches. */
export function changesOf(layer: number, changes: Change[], page?: Page, query?: string): ChangesResponse {
  const matches = query === undefined ? null : searchFor(query);
  const chosen = matches ? changes.filter((change) => matches(change.path)) : changes;
  if (!page) return { layer, changes: chosen, total: chosen.length };
  const { items, ...rest } = pageOf(chosen, page);
  return { layer, changes: items, ...rest };
}

/** A merged filesystem's figures without its files. */
export function summaryOf(fs: FsResponse): FsSummary {
  const { digest, layers, efficiency, wastedBytes, userWastedPercent, reclaimableBytes, inefficiencies, files } = fs;
  return { digest, layers, efficiency, wastedBytes, userWastedPercent, reclaimableBytes, inefficiencies, entries: files.length };
}
