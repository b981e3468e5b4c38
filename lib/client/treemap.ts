import type { FsHidden } from "@/lib/core/api-types";
import { baseName, parentOf } from "@/lib/core/paths";
import { preorder, type TreeNode } from "@/lib/core/tree";

/**
 * The treemap of a merged filesystem: each directory a box holding its entries, each file a tile
 * whose area is its size (squarified, Bruls et al.), and the bytes that later layers hid (files
 * overwritten or deleted) as tiles of their own in the directory they were in. Pure: layout only;
 * drawing is treemap-draw.ts. Loops, not recursion: a hostile tree can be thousands of levels deep.
 */

export interface Tile {
  x: number;
  y: number;
  w: number;
  h: number;
  path: string;
  name: string;
  kind: "dir" | "file" | "wasted";
  size: number;
  /** The layer the visible file comes from. */
  layer: number | undefined;
  /** For hidden bytes: how many hidden paths the tile stands for (0 for the others). */
  hiddenFiles: number;
  /** 1 for the entries of the directory shown, 2 below them, … */
  depth: number;
  /** A directory box tall enough to carry its name on a header strip. */
  header: boolean;
}

/** Bytes that later layers hid, drawn as one tile: a file's lower copies, or a deleted directory's files. */
export interface WastedItem {
  /** The hidden path, or the top of the deleted subtree that held them. */
  path: string;
  size: number;
  /** How many hidden paths it stands for. */
  files: number;
}

/** Bytes that later layers hid, by the directory they are drawn in. */
export interface WastedIndex {
  items: ReadonlyMap<string, readonly WastedItem[]>;
  /** Per directory: the hidden bytes in it and below it. */
  totals: ReadonlyMap<string, number>;
}

const HEADER = 13;
const PAD = 1;
/** Tiles with a side under this many pixels are not drawn, nor is anything inside them. */
const MIN_SIDE = 1.5;

/**
 * Where the hidden bytes (the fs answer's `hidden`, every one of them) are drawn: in the nearest
 * directory that still exists, gathered by what stood there, so a deleted directory of thousands
 * of files is one tile, not thousands.
 */
export function wastedIndex(root: TreeNode, hidden: readonly FsHidden[]): WastedIndex {
  const nodes = preorder(root, (node) => node.type === "dir");
  const dirs = new Set(nodes.filter((node) => node.type === "dir").map((node) => node.path));
  const byDir = new Map<string, Map<string, WastedItem>>();
  const totals = new Map<string, number>();
  for (const { path, size } of hidden) {
    let top = path;
    let dir = parentOf(path);
    for (; dir !== "/" && !dirs.has(dir); dir = parentOf(dir)) top = dir;
    const items = byDir.get(dir) ?? new Map<string, WastedItem>();
    byDir.set(dir, items);
    const item = items.get(top) ?? { path: top, size: 0, files: 0 };
    items.set(top, { path: top, size: item.size + size, files: item.files + 1 });
    for (let at = dir; ; at = parentOf(at)) {
      totals.set(at, (totals.get(at) ?? 0) + size);
      if (at === "/") break;
    }
  }
  const items = new Map([...byDir].map(([dir, gathered]) => [dir, [...gathered.values()]]));
  return { items, totals };
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Squarified rectangles for `weights` (sorted largest first, all > 0) filling `rect`. */
export function squarify(weights: readonly number[], rect: Rect): Rect[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  const out: Rect[] = [];
  if (total <= 0 || rect.w <= 0 || rect.h <= 0) return out;
  const scale = (rect.w * rect.h) / total;
  let { x, y, w, h } = rect;
  for (let i = 0; i < weights.length;) {
    const side = Math.min(w, h);
    let sum = 0;
    let smallest = Infinity;
    let largest = 0;
    let worst = Infinity;
    let j = i;
    // Grow the row while its worst aspect ratio improves.
    for (; j < weights.length; j++) {
      const area = (weights[j] as number) * scale;
      const s = sum + area;
      const lo = Math.min(smallest, area);
      const hi = Math.max(largest, area);
      const ratio = Math.max((side * side * hi) / (s * s), (s * s) / (side * side * lo));
      if (j > i && ratio > worst) break;
      sum = s;
      smallest = lo;
      largest = hi;
      worst = ratio;
    }
    const thickness = sum / side;
    let offset = 0;
    for (let k = i; k < j; k++) {
      const length = ((weights[k] as number) * scale) / thickness;
      out.push(w >= h ? { x, y: y + offset, w: thickness, h: length } : { x: x + offset, y, w: length, h: thickness });
      offset += length;
    }
    if (w >= h) {
      x += thickness;
      w -= thickness;
    } else {
      y += thickness;
      h -= thickness;
    }
    i = j;
  }
  return out;
}

type Entry = { weight: number; node: TreeNode } | { weight: number; wasted: WastedItem };

/** What a directory box holds: its entries with bytes, and the hidden bytes drawn in it, largest first. */
function entriesOf(node: TreeNode, wasted: WastedIndex): Entry[] {
  const entries: Entry[] = [];
  for (const child of node.children) {
    const weight = child.total + (child.type === "dir" ? (wasted.totals.get(child.path) ?? 0) : 0);
    if (weight > 0) entries.push({ weight, node: child });
  }
  for (const item of wasted.items.get(node.path) ?? []) entries.push({ weight: item.size, wasted: item });
  return entries.sort((a, b) => b.weight - a.weight);
}

/** The area inside a directory box: below its header strip (when it has room for one), inset by a pixel. */
function inside(tile: Tile): Rect {
  const top = tile.header ? HEADER : PAD;
  return { x: tile.x + PAD, y: tile.y + top, w: tile.w - 2 * PAD, h: tile.h - top - PAD };
}

/** Every tile to draw for the directory `root` in a `width` × `height` box, parents before their children. */
export function layoutTreemap(root: TreeNode, wasted: WastedIndex, width: number, height: number): Tile[] {
  const tiles: Tile[] = [];
  const pending: { node: TreeNode; rect: Rect; depth: number }[] = [{ node: root, rect: { x: 0, y: 0, w: width, h: height }, depth: 1 }];
  for (let box = pending.pop(); box; box = pending.pop()) {
    const entries = entriesOf(box.node, wasted);
    const rects = squarify(
      entries.map((e) => e.weight),
      box.rect,
    );
    for (let i = 0; i < rects.length; i++) {
      const { x, y, w, h } = rects[i] as Rect;
      if (w < MIN_SIDE || h < MIN_SIDE) continue;
      const entry = entries[i] as Entry;
      const { depth } = box;
      if ("wasted" in entry) {
        const { path, size, files } = entry.wasted;
        tiles.push({ x, y, w, h, path, name: baseName(path), kind: "wasted", size, layer: undefined, hiddenFiles: files, depth, header: false });
        continue;
      }
      const { node } = entry;
      const isDir = node.type === "dir";
      const header = isDir && h > HEADER * 2.5 && w > 32;
      const tile: Tile = {
        x,
        y,
        w,
        h,
        path: node.path,
        name: node.name,
        kind: isDir ? "dir" : "file",
        size: entry.weight,
        layer: node.layer,
        hiddenFiles: 0,
        depth,
        header,
      };
      tiles.push(tile);
      if (isDir && w > 4 && h > 4) pending.push({ node, rect: inside(tile), depth: depth + 1 });
    }
  }
  return tiles;
}

/** The tile under a point: the deepest one there (tiles come parents first, so the last that holds it). */
export function tileAt(tiles: readonly Tile[], x: number, y: number): Tile | null {
  for (let i = tiles.length - 1; i >= 0; i--) {
    const t = tiles[i] as Tile;
    if (x >= t.x && x < t.x + t.w && y >= t.y && y < t.y + t.h) return t;
  }
  return null;
}

/** Where a click on a point leads: the deepest directory there, or a file standing directly in the view. */
export function clickTarget(tiles: readonly Tile[], x: number, y: number): string | null {
  const hit = tileAt(tiles, x, y);
  if (!hit) return null;
  if (hit.kind === "dir") return hit.path;
  const dir = tiles.findLast((t) => t.kind === "dir" && x >= t.x && x < t.x + t.w && y >= t.y && y < t.y + t.h);
  return dir ? dir.path : hit.kind === "file" ? hit.path : null;
}
