import { describe, expect, it } from "vitest";
import { clickTarget, layoutTreemap, squarify, tileAt, wastedIndex } from "@/lib/client/treemap";
import { buildTree, type TreeItem } from "@/lib/client/tree";

const file = (path: string, size: number, layer = 0): TreeItem => ({ path, type: "file", size, layer });

describe("squarify", () => {
  it("fills the box exactly, each area in proportion to its weight", () => {
    const weights = [60, 30, 20, 10, 5, 3, 1];
    const rects = squarify(weights, { x: 10, y: 20, w: 300, h: 200 });
    const total = weights.reduce((a, b) => a + b, 0);
    rects.forEach((r, i) => {
      expect(r.w * r.h).toBeCloseTo(((weights[i] as number) / total) * 60_000, 6);
      expect(r.x).toBeGreaterThanOrEqual(10 - 1e-9);
      expect(r.y).toBeGreaterThanOrEqual(20 - 1e-9);
      expect(r.x + r.w).toBeLessThanOrEqual(310 + 1e-9);
      expect(r.y + r.h).toBeLessThanOrEqual(220 + 1e-9);
    });
    // Squarified: no sliver much longer than it is wide.
    expect(Math.max(...rects.map((r) => Math.max(r.w / r.h, r.h / r.w)))).toBeLessThan(4);
  });

  it("draws nothing for nothing", () => {
    expect(squarify([], { x: 0, y: 0, w: 10, h: 10 })).toEqual([]);
    expect(squarify([1], { x: 0, y: 0, w: 0, h: 10 })).toEqual([]);
  });
});

describe("the treemap of a tree", () => {
  const tree = buildTree([file("/usr/bin/big", 6000, 1), file("/usr/bin/small", 1000), file("/etc/conf", 3000, 2), file("/empty", 0)]);

  it("nests files in their directories, areas by size, the empty file left out", () => {
    const tiles = layoutTreemap(tree, wastedIndex(tree, []), 400, 300);
    expect(tiles.map((t) => [t.path, t.kind, t.depth])).toEqual([
      ["/usr", "dir", 1],
      ["/etc", "dir", 1],
      ["/etc/conf", "file", 2],
      ["/usr/bin", "dir", 2],
      ["/usr/bin/big", "file", 3],
      ["/usr/bin/small", "file", 3],
    ]);
    const usr = tiles[0]!;
    expect((usr.w * usr.h) / (400 * 300)).toBeCloseTo(0.7, 6);
    expect(tiles.find((t) => t.path === "/usr/bin/big")?.layer).toBe(1);
  });

  it("shows what later layers hid, where it was: a deleted file in its surviving directory, an overwritten file's lower copies", () => {
    const wasted = wastedIndex(tree, [
      { path: "/usr/bin/big", count: 2, wastedBytes: 6000 + 4000 },
      { path: "/usr/gone/deep/file", count: 2, wastedBytes: 2000 },
      { path: "/etc/conf", count: 2, wastedBytes: 3000 },
    ]);
    expect(wasted.items.get("/usr/bin")).toEqual([{ path: "/usr/bin/big", size: 4000 }]);
    expect(wasted.items.get("/usr")).toEqual([{ path: "/usr/gone/deep/file", size: 2000 }]);
    expect(wasted.totals.get("/")).toBe(6000);
    expect(wasted.totals.get("/etc")).toBeUndefined();
    const tiles = layoutTreemap(tree, wasted, 400, 300);
    expect(tiles.filter((t) => t.kind === "wasted").map((t) => t.path)).toEqual(["/usr/bin/big", "/usr/gone/deep/file"].sort().reverse());
  });

  it("a click opens the deepest directory under it, or a file standing in the view itself", () => {
    const flat = buildTree([file("/a", 10), file("/dir/b", 10)]);
    const tiles = layoutTreemap(flat, wastedIndex(flat, []), 200, 100);
    const b = tiles.find((t) => t.path === "/dir/b")!;
    expect(clickTarget(tiles, b.x + 1, b.y + 1)).toBe("/dir");
    const a = tiles.find((t) => t.path === "/a")!;
    expect(clickTarget(tiles, a.x + 1, a.y + 1)).toBe("/a");
    expect(tileAt(tiles, 500, 500)).toBeNull();
  });

  it("lays out 30 000 files quickly", () => {
    const items: TreeItem[] = [];
    for (let i = 0; i < 30_000; i++) items.push(file(`/d${i % 40}/e${i % 400}/f${i}`, 1 + ((i * 7919) % 100_000), i % 12));
    const big = buildTree(items);
    const wasted = wastedIndex(big, []);
    const started = performance.now();
    const tiles = layoutTreemap(big, wasted, 900, 420);
    const ms = performance.now() - started;
    console.log(`treemap layout of 30 000 files: ${ms.toFixed(1)} ms, ${tiles.length} tiles`);
    expect(tiles.length).toBeGreaterThan(1000);
    expect(ms).toBeLessThan(150);
  });
});
