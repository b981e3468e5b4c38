import "server-only";
import type { Change, ChangeKind, DirectoryEntry, EntryType, FsResponse, FsSummary } from "@/lib/core/api-types";
import { baseName, comparePaths, joinPath } from "@/lib/core/paths";
import { buildTree, preorder, presentFields, type TreeNode } from "@/lib/core/tree";
import { summaryOf } from "@/lib/fs/directory";
import type { EntryLocation, FsMerge, Located } from "@/lib/fs/merge";

/**
 * A merged filesystem written once as a file that answers a directory, a search or a layer's
 * changes by reading only what it needs, so a million-file image costs a request what it shows.
 * Lines of JSON, in sections:
 * - one line per directory: its children as records, `[name, type, size, layer, total, children, bytes, linkname?]`,
 *   where `bytes` says where a file's (or a hardlink's) bytes are: a number is the ordinal of an entry
 *   of the record's own layer, a pair `[layer, ordinal]` (a hardlink's target, in a lower layer), null none;
 *   so that opening a file reads its directory's line, not a layer's listing;
 * - every path in path order, one record per line with the path first: what a search scans;
 * - per layer, its changes in path order, `[path, change, type, size]` per line;
 * - per layer, the tree of its changes (every changed path and the directories on the way to them)
 *   as the first section has the merged tree, one line per directory with its children as
 *   `[name, change, type, size, total, children]` (`change` null on the way), then a line placing
 *   each of those directories, `[path, offset, length, total]`, read when the layer is first browsed;
 *   an added or modified file's record ends with its `bytes` as they were in that layer;
 * - the table (one line): the figures, every directory's place, each section's place;
 * - the footer: the table's byte offset, padded to FOOTER_BYTES.
 * Deterministic: the same layers give the same bytes, so instances that build it race harmlessly.
 */
export const TREE_INDEX_MAGIC = "porthole-tree 3";
export const FOOTER_BYTES = 22;

/** Where a path's bytes are: an ordinal in the record's own layer, an entry of another layer, or none. */
type BytesRecord = number | [layer: number, ordinal: number] | null;
type EntryRecord = [
  name: string,
  type: EntryType,
  size: number,
  layer: number | null,
  total: number,
  children: number,
  bytes: BytesRecord,
  linkname?: string,
];
type ChangeRecord = [path: string, change: ChangeKind, type: EntryType, size: number];
type ChangedRecord = [
  name: string,
  change: ChangeKind | null,
  type: EntryType,
  size: number,
  total: number,
  children: number,
  bytes?: BytesRecord,
  linkname?: string,
];

/** What the index needs of a merge besides its files: each layer's changes and how they open in it, and how each path opens. */
export type IndexedMerge = Pick<FsMerge, "changes" | "changesLocated" | "bytesAt">;

function bytesRecord(bytes: EntryLocation | null, ownLayer: number | null): BytesRecord {
  if (!bytes) return null;
  return bytes.layer === ownLayer ? bytes.ordinal : [bytes.layer, bytes.ordinal];
}

function bytesOfRecord(bytes: BytesRecord | undefined, ownLayer: number | null): EntryLocation | null {
  if (bytes === null || bytes === undefined) return null;
  return typeof bytes === "number" ? { layer: ownLayer as number, ordinal: bytes } : { layer: bytes[0], ordinal: bytes[1] };
}

/** Where a run of bytes is: offset and length. */
export type Span = [offset: number, length: number];

/** A directory of a tree: its path, where its children's line is, and everything below it in bytes. */
export type DirectoryPlace = [path: string, ...span: Span, total: number];

export interface TreeTable {
  summary: FsSummary;
  /** Every directory of the merged tree, in path order. */
  dirs: DirectoryPlace[];
  paths: Span;
  /** Per layer (0 is the bottom), its changes' lines and how many there are. */
  changes: [...span: Span, count: number][];
  /** Per layer, where the line placing the directories of the tree of its changes is (a DirectoryPlace[]). */
  changeTrees: Span[];
}

function recordOf(node: TreeNode, name: string, bytes: EntryLocation | null): EntryRecord {
  const layer = node.layer ?? null;
  const record: EntryRecord = [name, node.type, node.size, layer, node.total, node.children.length, bytesRecord(bytes, layer)];
  if (node.linkname !== undefined) record.push(node.linkname);
  return record;
}

/** A record as the API's directory entry (its first field, a name or a path, is not read). */
function entryOf(path: string, name: string, [, type, size, layer, total, children, , linkname]: EntryRecord): DirectoryEntry {
  return { path, name, type, size, ...presentFields({ layer, linkname }), total, children };
}

export const changeOfRecord = ([path, change, type, size]: ChangeRecord): Change => ({ path, change, type, size });

/** A node of layer `layer`'s tree of changes (built from changes that carry how they open, `located`) as its record. */
function changedRecordOf(node: TreeNode & { located?: Located | null }, layer: number): ChangedRecord {
  const record: ChangedRecord = [node.name, node.change ?? null, node.type, node.size, node.total, node.children.length];
  const { bytes = null, linkname } = node.located ?? {};
  if (bytes || linkname !== undefined) record.push(bytesRecord(bytes, layer));
  if (linkname !== undefined) record.push(linkname);
  return record;
}

/** A record of a layer's tree of changes as the API's directory entry: a change, or a directory on the way to some. */
function changedEntryOf(dir: string, [name, change, type, size, total, children]: ChangedRecord): DirectoryEntry {
  return { path: joinPath(dir, name), name, type, size, ...presentFields({ change }), total, children };
}

/** Parses one line of the children section: a directory's entries, in name order. */
export function childrenOfLine(dir: string, line: string): DirectoryEntry[] {
  return (JSON.parse(line) as EntryRecord[]).map((record) => entryOf(joinPath(dir, record[0]), record[0], record));
}

/** Parses one directory's line of a layer's tree of changes, in name order. */
export function changedChildrenOfLine(dir: string, line: string): DirectoryEntry[] {
  return (JSON.parse(line) as ChangedRecord[]).map((record) => changedEntryOf(dir, record));
}

/** The child `name` of a directory's line of the merged tree, as opening it needs it; null when there is none. */
export function locatedInLine(line: string, name: string): Located | null {
  const record = (JSON.parse(line) as EntryRecord[]).find(([childName]) => childName === name);
  if (!record) return null;
  const [, type, , layer, , , bytes, linkname] = record;
  return { type, ...(linkname !== undefined && { linkname }), bytes: bytesOfRecord(bytes, layer) };
}

/**
 * The child `name` of a directory's line of layer `layer`'s tree of changes, as opening it in that
 * layer needs it; null when the layer did not add or modify it (a removal, or a directory only on the way to changes).
 */
export function changedLocatedInLine(line: string, name: string, layer: number): Located | null {
  const record = (JSON.parse(line) as ChangedRecord[]).find(([childName]) => childName === name);
  if (!record || record[1] === null || record[1] === "removed") return null;
  const [, , type, , , , bytes, linkname] = record;
  return { type, ...(linkname !== undefined && { linkname }), bytes: bytesOfRecord(bytes, layer) };
}

/** A line of the paths section as its path, without parsing the rest (most lines are only matched against). */
export function pathOfLine(line: string): string {
  const end = line.indexOf('",');
  const escape = line.indexOf("\\");
  // A path with an escape in it (a quote, a backslash, a control character) is read properly.
  return escape < 0 || escape > end ? line.slice(2, end) : (JSON.parse(line) as EntryRecord)[0];
}

/** A line of the paths section as the entry it is. */
export function entryOfLine(line: string): DirectoryEntry {
  const record = JSON.parse(line) as EntryRecord;
  return entryOf(record[0], baseName(record[0]), record);
}

/** Collects lines into chunks of about CHUNK_CHARS, counting their bytes so every section knows its place. */
class Writer {
  private static readonly CHUNK_CHARS = 1 << 20;
  offset = 0;
  private pending: string[] = [];
  private pendingChars = 0;

  /** Appends a line; returns a chunk when enough has gathered. */
  line(text: string): string | null {
    this.offset += Buffer.byteLength(text) + 1;
    this.pending.push(text);
    this.pendingChars += text.length + 1;
    return this.pendingChars >= Writer.CHUNK_CHARS ? this.flush() : null;
  }

  flush(): string | null {
    if (this.pending.length === 0) return null;
    const chunk = `${this.pending.join("\n")}\n`;
    this.pending = [];
    this.pendingChars = 0;
    return chunk;
  }
}

/**
 * One line per directory of `root`'s tree, parents first, each its children's records in name
 * order; returns where each directory's line is.
 */
function* directoryLines(out: Writer, root: TreeNode, record: (node: TreeNode) => unknown[]): Generator<string, DirectoryPlace[]> {
  const places: DirectoryPlace[] = [];
  for (const dir of preorder(root, (node) => node.type === "dir")) {
    if (dir.type !== "dir") continue;
    const start = out.offset;
    const children = [...dir.children].sort((a, b) => comparePaths(a.name, b.name));
    const chunk = out.line(JSON.stringify(children.map(record)));
    places.push([dir.path, start, out.offset - start - 1, dir.total]);
    if (chunk) yield chunk;
  }
  return places;
}

/**
 * The merged tree's sections: its directories, then every path with its record. The tree is built
 * here and let go on return, before the layers' sections build theirs.
 */
function* mergedSections(out: Writer, files: FsResponse["files"], merge: IndexedMerge): Generator<string, { dirs: DirectoryPlace[]; paths: Span }> {
  const root = buildTree(files);
  const dirs = yield* directoryLines(out, root, (child) => recordOf(child, child.name, merge.bytesAt(child.path)));
  dirs.sort((a, b) => comparePaths(a[0], b[0]));
  const dirNodes = new Map(
    preorder(root, (node) => node.type === "dir")
      .filter((node) => node.type === "dir")
      .map((node) => [node.path, node]),
  );
  const start = out.offset;
  for (const file of files) {
    const node = file.type === "dir" ? dirNodes.get(file.path) : undefined;
    const bytes = bytesRecord(merge.bytesAt(file.path), file.layer);
    const record: EntryRecord = [file.path, file.type, file.size, file.layer, node?.total ?? file.size, node?.children.length ?? 0, bytes];
    if (file.linkname !== undefined) record.push(file.linkname);
    const chunk = out.line(JSON.stringify(record));
    if (chunk) yield chunk;
  }
  return { dirs, paths: [start, out.offset - start] };
}

/** Each layer's changes in path order, a line each. */
function* changeLists(
  out: Writer,
  layers: readonly number[],
  changes: (layer: number) => readonly Change[],
): Generator<string, TreeTable["changes"]> {
  const spans: TreeTable["changes"] = [];
  for (const layer of layers) {
    const start = out.offset;
    const list = changes(layer);
    for (const change of list) {
      const chunk = out.line(JSON.stringify([change.path, change.change, change.type, change.size] satisfies ChangeRecord));
      if (chunk) yield chunk;
    }
    spans.push([start, out.offset - start, list.length]);
  }
  return spans;
}

/** Each layer's tree of changes, one layer's tree at a time (a layer's changes can be as many as the image's files). */
function* changeTreeSections(out: Writer, layers: readonly number[], merge: IndexedMerge): Generator<string, Span[]> {
  const spans: Span[] = [];
  for (const layer of layers) {
    const located = merge.changesLocated(layer);
    const tree = buildTree(merge.changes(layer).map((change, i) => ({ ...change, located: located[i] })));
    const places = yield* directoryLines(out, tree, (node) => changedRecordOf(node, layer));
    const start = out.offset;
    const chunk = out.line(JSON.stringify(places));
    spans.push([start, out.offset - start - 1]);
    if (chunk) yield chunk;
  }
  return spans;
}

/**
 * The index of a merged filesystem (`fs`, and the `merge` that made it), as chunks of text to store.
 * Reads the files once; beyond them, one tree at a time is held.
 */
export function* writeTreeIndex(fs: FsResponse, merge: IndexedMerge): Generator<string> {
  const out = new Writer();
  const header = out.line(TREE_INDEX_MAGIC);
  if (header) yield header;
  const { dirs, paths } = yield* mergedSections(out, fs.files, merge);
  const layers = fs.layers.map((layer) => layer.index);
  const changeSpans = yield* changeLists(out, layers, (layer) => merge.changes(layer));
  const changeTrees = yield* changeTreeSections(out, layers, merge);
  const tableOffset = out.offset;
  const table: TreeTable = { summary: summaryOf(fs), dirs, paths, changes: changeSpans, changeTrees };
  out.line(JSON.stringify(table));
  const tail = out.flush() ?? "";
  yield `${tail}${String(tableOffset).padStart(FOOTER_BYTES - 1, "0")}\n`;
}

/** The table's offset from the footer's bytes; null when they are not a footer. */
export function tableOffsetOf(footer: string): number | null {
  return /^\d{21}\n$/.test(footer) ? Number(footer.slice(0, -1)) : null;
}
