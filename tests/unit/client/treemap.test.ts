import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ownerIndex } from "@/lib/client/package-owners";
import { clickTarget, layoutTreemap, squarify, tileAt, wastedIndex, type Tile } from "@/lib/client/treemap";
import { layerColouring, NO_PACKAGE_COLOUR, OTHER_PACKAGES_COLOUR, packageColouring, paletteColour } from "@/lib/client/treemap-colours";
import { neighbour, topTiles, treemapKey } from "@/lib/client/treemap-keys";
import { buildTree, type TreeItem } from "@/lib/core/tree";
import type { FsHidden, ImageInfo, InstalledPackage, LayerEntry } from "@/lib/core/api-types";
import { mergeImage } from "@/lib/fs/merge-image";
import { listLayer } from "@/lib/layer/read";
import { dockerArchiveLayers } from "@/tests/support/docker-archive";

const file = (path: string, size: number, layer = 0): TreeItem => ({ path, type: "file", size, layer });
const entry = (path: string, size: number, extra: Partial<LayerEntry> = {}): LayerEntry => ({
  path,
  type: "file",
  size,
  mode: 0o644,
  uid: 0,
  gid: 0,
  mtime: 0,
  ...extra,
});
const image = (layers: number) => ({ digest: "sha256:x", layers: Array.from({ length: layers }, () => ({ digest: "sha256:l" })) }) as ImageInfo;
const pkg = (name: string, files: string[]): InstalledPackage => ({ type: "deb", name, version: "1", layer: 0, db: "/var/lib/dpkg/status", files });
const hiddenTotal = (hidden: readonly FsHidden[]) => hidden.reduce((sum, item) => sum + item.size, 0);

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

describe("the fs answer's hidden bytes", () => {
  it("lists every copy no one sees: overwritten, deleted with its directory, listed twice in a layer; their sum is reclaimable", () => {
    const { fs } = mergeImage(
      image(3),
      [
        [entry("/etc/conf", 100), entry("/doc/a", 10), entry("/doc/sub/b", 20), entry("/twice", 5), entry("/twice", 7)],
        [entry("/etc/conf", 30), entry("/doc", 0, { whiteout: true })],
        [entry("/etc/conf", 0, { whiteout: true }), entry("/etc/conf", 40)],
      ],
      1e9,
    );
    expect(fs.hidden).toEqual([
      { path: "/doc/a", size: 10 },
      { path: "/doc/sub/b", size: 20 },
      { path: "/etc/conf", size: 130 },
      { path: "/twice", size: 5 },
    ]);
    expect(fs.reclaimableBytes).toBe(165);
  });

  it("adds up, on dive's test image, to the wasted bytes dive reports (32 025 B), drawn in full", async () => {
    const layers = await dockerArchiveLayers(join(import.meta.dirname, "../../../../shared/dive-data/test-docker-image.tar"));
    const listings = await Promise.all(
      layers.map(async (bytes) => {
        const out: LayerEntry[] = [];
        for await (const batch of listLayer(Readable.from([bytes]))) out.push(...batch);
        return out;
      }),
    );
    const { fs } = mergeImage(image(listings.length), listings, 1e9);
    expect(fs.wastedBytes).toBe(32025);
    // dive's top inefficiencies alone (with their visible copies taken out) miss /root/example/somefile2.txt.
    expect(hiddenTotal(fs.hidden)).toBe(32025);
    expect(fs.reclaimableBytes).toBe(32025);
    const tree = buildTree(fs.files);
    const wasted = wastedIndex(tree, fs.hidden);
    expect(wasted.totals.get("/")).toBe(32025);
    // /root/example was deleted whole: its three files' four copies are one tile in /root.
    expect(wasted.items.get("/root")).toEqual([
      { path: "/root/example", size: 25620, files: 3 },
      { path: "/root/saved.txt", size: 6405, files: 1 },
    ]);
    const tiles = layoutTreemap(tree, wasted, 1600, 1200).filter((t) => t.kind === "wasted");
    expect(tiles.reduce((sum, t) => sum + t.size, 0)).toBe(32025);
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

  it("draws hidden bytes where they were: an overwritten file's lower copies beside it, a deleted directory as one tile in its surviving parent", () => {
    const wasted = wastedIndex(tree, [
      { path: "/usr/bin/big", size: 4000 },
      { path: "/usr/gone/deep/file", size: 2000 },
      { path: "/usr/gone/other", size: 500 },
    ]);
    expect(wasted.items.get("/usr/bin")).toEqual([{ path: "/usr/bin/big", size: 4000, files: 1 }]);
    expect(wasted.items.get("/usr")).toEqual([{ path: "/usr/gone", size: 2500, files: 2 }]);
    expect(wasted.totals.get("/")).toBe(6500);
    expect(wasted.totals.get("/etc")).toBeUndefined();
    const tiles = layoutTreemap(tree, wasted, 400, 300);
    expect(tiles.filter((t) => t.kind === "wasted").map((t) => [t.path, t.hiddenFiles])).toEqual([
      ["/usr/gone", 2],
      ["/usr/bin/big", 1],
    ]);
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
});

describe("the treemap from the keyboard", () => {
  // Four top entries: a 2 × 2 grid of equal files, and a directory inside /d.
  const grid = buildTree([file("/a", 100), file("/b", 100), file("/c", 100), file("/d/x", 100)]);
  const tiles = layoutTreemap(grid, wastedIndex(grid, [{ path: "/gone", size: 1 }]), 200, 200);
  const at = (path: string) => tiles.find((t) => t.path === path) as Tile;

  it("moves between the entries of the directory shown, by direction", () => {
    const top = topTiles(tiles);
    expect(top.every((t) => t.depth === 1)).toBe(true);
    expect(top.map((t) => t.path)).not.toContain("/d/x");
    const rightOf = (t: Tile) => neighbour(top, t, [1, 0])?.path;
    const below = (t: Tile) => neighbour(top, t, [0, 1])?.path;
    const first = top[0] as Tile;
    // From the top left, right then down reaches the bottom right; going back reverses it.
    const topLeft = top.find((t) => t.x === 0 && t.y === 0) as Tile;
    expect(first.path).toBe(topLeft.path);
    const topRight = at(rightOf(topLeft)!);
    expect(topRight.y).toBe(0);
    const bottomRight = at(below(topRight)!);
    expect(bottomRight.x).toBe(topRight.x);
    expect(neighbour(top, bottomRight, [0, -1])?.path).toBe(topRight.path);
    expect(neighbour(top, topRight, [1, 0])).toBeNull();
  });

  it("answers keys: arrows focus (the first tile when none has), Enter opens, Escape and Backspace go up but not above /", () => {
    expect(treemapKey("ArrowRight", tiles, null, "/")).toEqual({ focus: topTiles(tiles)[0]!.path });
    expect(treemapKey("Enter", tiles, "/d", "/")).toEqual({ open: "/d" });
    expect(treemapKey("Enter", tiles, "/a", "/")).toEqual({ open: "/a" });
    expect(treemapKey("Enter", tiles, "/gone", "/")).toBeNull();
    expect(treemapKey("Escape", tiles, "/a", "/")).toBeNull();
    expect(treemapKey("Backspace", tiles, null, "/d")).toEqual({ up: true });
    expect(treemapKey("Escape", tiles, null, "/d")).toEqual({ up: true });
    expect(treemapKey("x", tiles, "/a", "/d")).toBeNull();
  });
});

describe("the treemap's colours", () => {
  const tree = buildTree([file("/usr/lib/big.so", 5000), file("/usr/bin/tool", 300), file("/opt/data", 2000, 1), file("/usr/bin/ls", 100)]);
  const tileFor = (path: string, layer = 0) => ({ path, layer, kind: "file" }) as Tile;

  it("by layer: each layer its own colour", () => {
    const colouring = layerColouring([0, 1]);
    expect(colouring.fill(tileFor("/opt/data", 1))).toBe(paletteColour(1));
    expect(colouring.legend.map((item) => item.label)).toEqual(["layer 0", "layer 1"]);
  });

  it("by package: the biggest named in the legend, files of no package neutral, through usrmerge's links", () => {
    const owners = ownerIndex(
      [pkg("small", ["/usr/bin/tool"]), pkg("libbig", ["/usr/lib/big.so"]), pkg("coreutils", ["/bin/ls"])],
      [["/bin", "/usr/bin"]],
    );
    const colouring = packageColouring(tree, owners);
    expect(colouring.legend).toEqual([
      { label: "deb:libbig 1", colour: paletteColour(0), size: 5000 },
      { label: "deb:small 1", colour: paletteColour(1), size: 300 },
      { label: "deb:coreutils 1", colour: paletteColour(2), size: 100 },
      { label: "not from a package", colour: NO_PACKAGE_COLOUR, size: 2000 },
    ]);
    expect(colouring.fill(tileFor("/usr/lib/big.so"))).toBe(paletteColour(0));
    expect(colouring.fill(tileFor("/usr/bin/ls"))).toBe(paletteColour(2));
    expect(colouring.fill(tileFor("/opt/data"))).toBe(NO_PACKAGE_COLOUR);
    expect(colouring.name(tileFor("/usr/bin/ls"))).toBe("deb:coreutils 1");
    expect(colouring.name(tileFor("/opt/data"))).toBe("not from a package");
  });

  it("by package: past the ten biggest, the rest share one colour", () => {
    const many = buildTree(Array.from({ length: 12 }, (_, i) => file(`/f${i}`, 100 - i)));
    const owners = ownerIndex(Array.from({ length: 12 }, (_, i) => pkg(`p${i}`, [`/f${i}`])));
    const colouring = packageColouring(many, owners);
    expect(colouring.legend.at(-1)).toEqual({ label: "2 other packages", colour: OTHER_PACKAGES_COLOUR, size: 90 + 89 });
    expect(colouring.fill(tileFor("/f11"))).toBe(OTHER_PACKAGES_COLOUR);
  });
});

describe("30 000 files", () => {
  const items: TreeItem[] = [];
  for (let i = 0; i < 30_000; i++) items.push(file(`/d${i % 40}/e${i % 400}/f${i}`, 1 + ((i * 7919) % 100_000), i % 12));
  const big = buildTree(items);
  // As many hidden copies, half of them in a directory that is gone.
  const hidden = items.map((item, i) => ({ path: i % 2 ? item.path : `/gone/${item.path}`, size: 10 }));
  const time = <T>(what: string, run: () => T): [T, number] => {
    const started = performance.now();
    const result = run();
    const ms = performance.now() - started;
    console.log(`${what}: ${ms.toFixed(1)} ms`);
    return [result, ms];
  };

  it("places 30 000 hidden copies, lays out and colours by package quickly", () => {
    const [wasted, placeMs] = time("placing 30 000 hidden copies", () => wastedIndex(big, hidden));
    expect(wasted.totals.get("/")).toBe(300_000);
    expect(wasted.items.get("/")).toEqual([{ path: "/gone", size: 150_000, files: 15_000 }]);
    const [tiles, layoutMs] = time("treemap layout of 30 000 files", () => layoutTreemap(big, wasted, 900, 420));
    expect(tiles.length).toBeGreaterThan(1000);
    const owners = ownerIndex(
      Array.from({ length: 300 }, (_, p) =>
        pkg(
          `p${p}`,
          items.filter((_, i) => i % 300 === p).map((item) => item.path),
        ),
      ),
    );
    const [colouring, colourMs] = time("package colouring of 30 000 files", () => packageColouring(big, owners));
    const [, fillMs] = time("filling every tile by package", () => tiles.forEach((tile) => colouring.fill(tile)));
    expect(placeMs + layoutMs + colourMs + fillMs).toBeLessThan(300);
  });
});
