import { describe, expect, it } from "vitest";
import { packFirstView, packItems, unpackFirstView, unpackItems } from "@/lib/core/packed-items";
import type { ImageInfo } from "@/lib/core/api-types";
import type { TreeItem } from "@/lib/core/tree";

const items: TreeItem[] = [
  { path: "/etc", type: "dir", size: 0, layer: 0, total: 120 },
  { path: "/bin", type: "symlink", size: 0, layer: 1, linkname: "usr/bin", total: 0 },
  { path: '/quote"d\nname', type: "file", size: 3, total: 3 },
  { path: "/etc/passwd", type: "file", size: 120, layer: 0, change: "modified", total: 120 },
  { path: "/etc/gone", type: "file", size: 7, change: "removed", total: 0 },
  { path: "/etc/ssl", type: "dir", size: 0, total: 0 },
  // The same directory again, after another: a run of its own, so the order is kept.
  { path: "/zero", type: "fifo", size: 0, layer: 0 },
  { path: "/etc/hosts", type: "hardlink", size: 9, layer: 2, linkname: "/etc/passwd", change: "added", total: 9 },
];

describe("packed tree items", () => {
  it("come back as they went, in order, with only the fields they had", () => {
    expect(unpackItems(packItems(items))).toEqual(items);
    expect(unpackItems(JSON.parse(JSON.stringify(packItems(items))))).toEqual(items);
    expect(packItems([])).toEqual([]);
  });

  it("name each run of siblings' directory once", () => {
    expect(packItems(items).map(([dir, run]) => [dir, run.length])).toEqual([
      ["/", 3],
      ["/etc", 3],
      ["/", 1],
      ["/etc", 1],
    ]);
  });

  it("take less than half the room of the items for a directory of a thousand files", () => {
    const directory = Array.from({ length: 1000 }, (_, i): TreeItem => ({
      path: `/data/d500/f${500_000 + i}.txt`,
      type: "file",
      size: 12,
      layer: 0,
      total: 12,
    }));
    expect(unpackItems(packItems(directory))).toEqual(directory);
    expect(JSON.stringify(packItems(directory)).length).toBeLessThan(JSON.stringify(directory).length / 2);
  });

  it("carry a first view's image and file as they are", () => {
    const first = { image: { digest: "sha256:x" } as ImageInfo, items, file: { ref: { path: "/etc/passwd", layer: null }, text: "root", size: 4 } };
    expect(unpackFirstView(packFirstView(first))).toEqual(first);
  });
});
