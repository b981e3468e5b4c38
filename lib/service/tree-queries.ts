import "server-only";
import type { ChangesResponse, DirectoryEntry, DirectoryResponse, FsSummary, SearchResponse } from "@/lib/core/api-types";
import { PageCollector, type Page } from "@/lib/core/paging";
import { PortholeError } from "@/lib/core/errors";
import { baseName, cleanPath, comparePaths, parentOf } from "@/lib/core/paths";
import type { SortKey } from "@/lib/core/tree";
import {
  changedChildrenOfLine,
  changedLocatedInLine,
  changeOfRecord,
  childrenOfLine,
  entryOfLine,
  locatedInLine,
  pathOfLine,
  type Span,
} from "@/lib/fs/tree-index";
import type { Located } from "@/lib/fs/merge";
import { candidateLines } from "@/lib/fs/tree-scan";
import type { PlacedDirectory, TreeIndex } from "@/lib/service/tree-index";
import { searchFor } from "@/lib/fs/directory";

/**
 * The merged filesystem's answers, and its layers' changes, from its index (lib/service/tree-index.ts),
 * each reading only what it returns (a directory: one line) or scanning one section (a search, a
 * layer's changes): never the whole tree in memory. The same answers as lib/fs/directory.ts gives from a tree in memory.
 */

const bySize = (a: DirectoryEntry, b: DirectoryEntry) => b.total - a.total || comparePaths(a.name, b.name);

/** One of the index's trees: the merged one, or a layer's changes. */
interface IndexedTree {
  place(path: string): Promise<PlacedDirectory | null>;
  parse(dir: string, line: string): DirectoryEntry[];
  /** The child `name` in a directory's line, as opening it needs it. */
  located(line: string, name: string): Located | null;
  /** Says that `path` is not in this tree. */
  absent(path: string): string;
}

const mergedTree = (index: TreeIndex): IndexedTree => ({
  place: async (dir) => index.directory(dir),
  parse: childrenOfLine,
  located: locatedInLine,
  absent: (missing) => `${missing} is not in the image`,
});

const changedTree = (index: TreeIndex, layer: number): IndexedTree => ({
  place: (dir) => index.changedDirectory(layer, dir),
  parse: changedChildrenOfLine,
  located: (line, name) => changedLocatedInLine(line, name, layer),
  absent: (missing) => `layer ${layer} changed nothing at or below ${missing}`,
});

async function childrenOf(index: TreeIndex, tree: IndexedTree, path: string): Promise<{ total: number; children: DirectoryEntry[] } | null> {
  const dir = await tree.place(path);
  return dir && { total: dir.total, children: tree.parse(path, await index.text(dir.span)) };
}

/** One directory of a tree (by name, or biggest first); NOT_FOUND or BAD_REQUEST as the in-memory tree says them. */
async function treeDirectory(index: TreeIndex, tree: IndexedTree, digest: string, rawPath: string, sort: SortKey): Promise<DirectoryResponse> {
  const path = cleanPath(rawPath);
  const found = await childrenOf(index, tree, path);
  if (!found) {
    const parent = path === "/" ? null : await childrenOf(index, tree, parentOf(path));
    const entry = parent?.children.find((child) => child.name === baseName(path));
    if (!entry) throw new PortholeError("NOT_FOUND", tree.absent(path));
    throw new PortholeError("BAD_REQUEST", `${path} is a ${entry.type}, not a directory`);
  }
  const children = sort === "size" ? found.children.sort(bySize) : found.children;
  return { digest, path, total: found.total, children };
}

/** One directory of the merged filesystem. */
export function indexedDirectory(index: TreeIndex, digest: string, path: string, sort: SortKey = "name"): Promise<DirectoryResponse> {
  return treeDirectory(index, mergedTree(index), digest, path, sort);
}

/**
 * One directory of what layer `layer` changed: the changes in it, and the directories on the way
 * to changes further down (without a `change`), each with the size of the changes below it.
 */
export function indexedChangedDirectory(
  index: TreeIndex,
  digest: string,
  layer: number,
  path: string,
  sort: SortKey = "name",
): Promise<DirectoryResponse> {
  return treeDirectory(index, changedTree(index, layer), digest, path, sort);
}

/** How `path` opens in a tree: from its directory's line, without reading the tree; null when it is not there. */
async function locatedIn(index: TreeIndex, tree: IndexedTree, path: string): Promise<Located | null> {
  if (path === "/") return { type: "dir", bytes: null };
  const dir = await tree.place(parentOf(path));
  return dir && tree.located(await index.text(dir.span), baseName(path));
}

/** How `path` opens in the merged filesystem (where a file's or a hardlink's bytes are); null when it is not there. */
export const indexedLocated = (index: TreeIndex, path: string): Promise<Located | null> => locatedIn(index, mergedTree(index), cleanPath(path));

/** How `path` opens as layer `layer` added or modified it; null when that layer did neither. */
export const indexedChangeLocated = (index: TreeIndex, layer: number, path: string): Promise<Located | null> =>
  locatedIn(index, changedTree(index, layer), cleanPath(path));

/**
 * The paths a filter matches, in path order: the first `limit` after `after` (a page), how many in
 * all, and where the next page starts. One scan of the paths; only matches are parsed whole.
 */
export async function indexedSearch(index: TreeIndex, digest: string, query: string, limit: number, after?: string): Promise<SearchResponse> {
  const { items, ...rest } = await scan(index, index.table.paths, query, { limit, ...(after !== undefined && { after }) }, entryOfLine);
  return { digest, query, matches: items, ...rest };
}

/**
 * A page of a section's lines (a path first on each), those whose path `query` matches when it is
 * given, parsed: one scan, in blocks; with a query, only candidate lines are looked at (lib/fs/tree-scan.ts).
 */
async function scan<T>(index: TreeIndex, span: Span, query: string | undefined, page: Page, parse: (line: string) => T) {
  const matches = query === undefined ? () => true : searchFor(query);
  const candidates = query === undefined ? null : candidateLines(query);
  const collected = new PageCollector<T>(page);
  for await (const block of index.blocks(span)) {
    for (const line of candidates?.(block) ?? block.slice(0, -1).split("\n")) {
      const path = pathOfLine(line);
      if (matches(path)) collected.add(path, () => parse(line));
    }
  }
  return collected.done();
}

/** A page of what layer `layer` changed (those `query` matches, when given), in path order, from one scan of its changes. */
export async function indexedChanges(index: TreeIndex, layer: number, page: Page, query?: string): Promise<ChangesResponse> {
  const [offset, length] = index.table.changes[layer] ?? [0, 0];
  const { items, ...rest } = await scan(index, [offset, length], query, page, (line) => changeOfRecord(JSON.parse(line)));
  return { layer, changes: items, ...rest };
}

/** The merged filesystem's figures, as the image `digest` names them (images that share all their layers share an index). */
export function indexedSummary(index: TreeIndex, digest: string): FsSummary {
  return { ...index.table.summary, digest };
}
