import "server-only";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { contentCache } from "@/lib/cache/content-cache";
import { memoryBytes, storedBytes, type StoredBytes } from "@/lib/cache/stored-bytes";
import { Recent } from "@/lib/cache/recent";
import { onceAcrossInstances } from "@/lib/coord/lease";
import { PortholeError } from "@/lib/core/errors";
import { FOOTER_BYTES, TREE_INDEX_MAGIC, tableOffsetOf, writeTreeIndex, type DirectoryPlace, type Span, type TreeTable } from "@/lib/fs/tree-index";
import { logEvent } from "@/lib/service/events";
import { mergedNow } from "@/lib/service/image-fs";
import type { ImageSource } from "@/lib/service/layer-source";

/** How many opened indexes this process keeps (their tables, and a file handle each). */
const OPEN_INDEXES = 16;
/** Sections are scanned this much at a time. */
const SCAN_BYTES = 1 << 20;
const NEWLINE = 0x0a;
/** How many layers' trees of changes an opened index keeps placed (a layer being browsed, and a few more). */
const PLACED_CHANGE_TREES = 4;

/** Where a directory's line is in a tree, and the size of everything below it. */
export interface PlacedDirectory {
  span: Span;
  total: number;
}

const byPath = (places: DirectoryPlace[]) => new Map(places.map(([path, ...place]) => [path, place]));
const placed = (place: [...Span, number] | undefined): PlacedDirectory | null => (place ? { span: [place[0], place[1]], total: place[2] } : null);

/** A merged filesystem's index, opened: its table in memory, the rest read as asked. */
export class TreeIndex {
  private readonly dirs: Map<string, [...Span, number]>;
  private readonly changeTrees = new Recent<Map<string, [...Span, number]>>(PLACED_CHANGE_TREES);

  constructor(
    readonly table: TreeTable,
    private readonly bytes: StoredBytes,
  ) {
    this.dirs = byPath(table.dirs);
  }

  /** A directory of the merged tree. */
  directory(path: string): PlacedDirectory | null {
    return placed(this.dirs.get(path));
  }

  /** A directory of the tree of layer `layer`'s changes (which must exist). */
  async changedDirectory(layer: number, path: string): Promise<PlacedDirectory | null> {
    const span = this.table.changeTrees[layer] as Span;
    const places = await this.changeTrees.get(String(layer), async () => byPath(JSON.parse(await this.text(span)) as DirectoryPlace[]));
    return placed(places.get(path));
  }

  async text([offset, length]: Span): Promise<string> {
    return (await this.bytes.read(offset, length)).toString("utf8");
  }

  /**
   * A section's text in order, a run of whole lines (each ending in a newline) at a time. Each read
   * is cut at its last newline and the next starts there (a newline byte is never part of a longer
   * UTF-8 character): no text is carried over and joined again.
   */
  async *blocks([offset, length]: Span): AsyncGenerator<string> {
    const end = offset + length;
    let size = SCAN_BYTES;
    for (let at = offset; at < end;) {
      const wanted = Math.min(size, end - at);
      const bytes = await this.bytes.read(at, wanted);
      if (bytes.length < wanted) throw new PortholeError("INTERNAL", "a stored tree index is shorter than its table says");
      const cut = at + bytes.length === end ? bytes.length : bytes.lastIndexOf(NEWLINE) + 1;
      // A line longer than a read: read more of it at once.
      if (cut === 0) {
        size *= 2;
        continue;
      }
      size = SCAN_BYTES;
      const text = bytes.toString("utf8", 0, cut);
      yield text.endsWith("\n") ? text : `${text}\n`;
      at += cut;
    }
  }

  release(): void {
    this.bytes.release();
  }
}

/** The index's identity: the layers it merges (an image's digest would make images sharing all their layers build it twice). */
function indexKey(source: ImageSource, upTo: number): string {
  const chain = source.layers
    .slice(0, upTo + 1)
    .map((layer) => layer.digest)
    .join(",");
  return `tree-index:v3:${createHash("sha256").update(chain).digest("hex")}`;
}

async function opened(bytes: StoredBytes): Promise<TreeIndex> {
  const footer = (await bytes.read(bytes.size - FOOTER_BYTES, FOOTER_BYTES)).toString("latin1");
  const offset = tableOffsetOf(footer);
  const magic = (await bytes.read(0, TREE_INDEX_MAGIC.length)).toString("latin1");
  if (offset === null || magic !== TREE_INDEX_MAGIC) throw new PortholeError("INTERNAL", "a stored tree index has no footer");
  const table = JSON.parse((await bytes.read(offset, bytes.size - FOOTER_BYTES - offset)).toString("utf8")) as TreeTable;
  return new TreeIndex(table, bytes);
}

/** An index made and kept in memory: where the disk cannot keep it, and for tests. */
export const indexInMemory = (chunks: Iterable<string>): Promise<TreeIndex> => opened(memoryBytes(Buffer.from([...chunks].join(""))));

async function find(key: string): Promise<TreeIndex | null> {
  const stored = await contentCache().open(key);
  if (stored === null) return null;
  return opened(await storedBytes(stored));
}

/** Builds the index from the merged filesystem and stores it; where it cannot be stored, it is kept in memory. */
async function make(key: string, source: ImageSource, upTo: number): Promise<TreeIndex> {
  const started = performance.now();
  // Not memoized: the index is what is kept (a million paths merged take gigabytes; their index, none).
  const { fs, merge } = await mergedNow(source, upTo);
  const chunks = () => writeTreeIndex(fs, merge);
  const stored = await contentCache()
    .put(key, Readable.from(chunks(), { objectMode: false }))
    .then(() => find(key))
    .catch((error: unknown) => {
      console.error(JSON.stringify({ treeIndex: "kept in memory: could not be stored", key, problem: String(error) }));
      return null;
    });
  const index = stored ?? (await indexInMemory(chunks()));
  // What it cost is worth seeing: every other instance reads it instead of paying it again.
  logEvent({ treeIndex: "built", key, entries: fs.files.length, ms: Math.round(performance.now() - started) });
  return index;
}

const recent = new Recent<TreeIndex>(OPEN_INDEXES, (index) => index.release());

/**
 * The index of the merged filesystem of layers 0..`upTo`: opened from the cache (local, then
 * shared), or built once across instances from the layers' listings. Callers must have proven
 * the requester's access to the image (`registryImage`).
 */
export function treeIndex(source: ImageSource, upTo: number): Promise<TreeIndex> {
  const key = indexKey(source, upTo);
  return recent.get(key, () => onceAcrossInstances(key, { find: () => find(key), make: () => make(key, source, upTo) }));
}
