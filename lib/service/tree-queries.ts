import "server-only";
import type { Change, ChangesResponse, DirectoryEntry, DirectoryResponse, FsSummary, SearchResponse } from "@/lib/core/api-types";
import { PageCollector, type Page } from "@/lib/core/paging";
import { PortholeError } from "@/lib/core/errors";
import { pathMatcher } from "@/lib/core/glob";
import { baseName, cleanPath, comparePaths, parentOf } from "@/lib/core/paths";
import type { SortKey } from "@/lib/core/tree";
import { changeOfRecord, childrenOfLine, entryOfLine, pathOfLine } from "@/lib/fs/tree-index";
import { candidateLines } from "@/lib/fs/tree-scan";
import type { TreeIndex } from "@/lib/service/tree-index";

/**
 * The merged filesystem's answers from its index (lib/service/tree-index.ts), each reading only
 * what it returns (a directory: one line) or scanning one section (a search): never the whole tree
 * in memory. The same answers as lib/fs/directory.ts gives from a tree in memory.
 */

const bySize = (a: DirectoryEntry, b: DirectoryEntry) => b.total - a.total || comparePaths(a.name, b.name);

async function childrenOf(index: TreeIndex, path: string): Promise<{ total: number; children: DirectoryEntry[] } | null> {
  const dir = index.directory(path);
  return dir && { total: dir.total, children: childrenOfLine(path, await index.text(dir.span)) };
}

/** One directory's children (by name, or biggest first); NOT_FOUND or BAD_REQUEST as the in-memory tree says them. */
export async function indexedDirectory(index: TreeIndex, digest: string, rawPath: string, sort: SortKey = "name"): Promise<DirectoryResponse> {
  const path = cleanPath(rawPath);
  const found = await childrenOf(index, path);
  if (!found) {
    const parent = path === "/" ? null : await childrenOf(index, parentOf(path));
    const entry = parent?.children.find((child) => child.name === baseName(path));
    if (!entry) throw new PortholeError("NOT_FOUND", `${path} is not in the image`);
    throw new PortholeError("BAD_REQUEST", `${path} is a ${entry.type}, not a directory`);
  }
  const children = sort === "size" ? found.children.sort(bySize) : found.children;
  return { digest, path, total: found.total, children };
}

/**
 * The paths a filter matches, in path order: the first `limit` after `after` (a page), how many in
 * all, and where the next page starts. One scan of the paths; only matches are parsed whole.
 */
export async function indexedSearch(index: TreeIndex, digest: string, query: string, limit: number, after?: string): Promise<SearchResponse> {
  if (!query.trim()) throw new PortholeError("BAD_REQUEST", "a search needs something to look for");
  const matches = pathMatcher(query);
  const page = new PageCollector<DirectoryEntry>({ limit, ...(after !== undefined && { after }) });
  const consider = (line: string) => {
    const path = pathOfLine(line);
    if (matches(path)) page.add(path, () => entryOfLine(line));
  };
  const candidates = candidateLines(query);
  for await (const block of index.blocks(index.table.paths)) {
    for (const line of candidates?.(block) ?? block.slice(0, -1).split("\n")) consider(line);
  }
  const { items, ...rest } = page.done();
  return { digest, query, matches: items, ...rest };
}

/** A page of what layer `layer` changed, in path order, from one scan of its changes. */
export async function indexedChanges(index: TreeIndex, layer: number, page: Page): Promise<ChangesResponse> {
  const [offset, length] = index.table.changes[layer] ?? [0, 0];
  const collected = new PageCollector<Change>(page);
  for await (const lines of index.lines([offset, length])) {
    for (const line of lines) collected.add(pathOfLine(line), () => changeOfRecord(JSON.parse(line)));
  }
  const { items, ...rest } = collected.done();
  return { layer, changes: items, ...rest };
}

/** The merged filesystem's figures, as the image `digest` names them (images that share all their layers share an index). */
export function indexedSummary(index: TreeIndex, digest: string): FsSummary {
  return { ...index.table.summary, digest };
}
