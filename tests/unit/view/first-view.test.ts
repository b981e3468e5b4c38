/**
 * What a page renders before its scripts run, from an ImageView (here the local archive reader over
 * dive's test image): the directories down to the link, each whole, and the linked file's text
 * when it is text, exactly as the view reads it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ImageInfo } from "@/lib/core/api-types";
import type { ImageView } from "@/lib/core/image-view";
import { parseLocalRef } from "@/lib/core/local-ref";
import { parentOf } from "@/lib/core/paths";
import { treeItemOf } from "@/lib/core/tree";
import { LocalImage } from "@/lib/local/local-image";
import { openLocalImage } from "@/lib/local/open-image";
import { tarFiles } from "@/lib/local/archive-files";
import { firstView } from "@/lib/service/first-view";

const ARCHIVE = join(__dirname, "../../../../shared/dive-data/test-docker-image.tar");

let view: ImageView;
let image: ImageInfo;
beforeAll(async () => {
  const files = await tarFiles(new Blob([new Uint8Array(readFileSync(ARCHIVE))]));
  view = new LocalImage(files, await openLocalImage(files, parseLocalRef("test-docker-image.tar"), null));
  image = await view.image();
});

const merged = (path: string, upTo: number | null = null) => ({ kind: "fs" as const, path, upTo });
const digestOf = (layer: number) => image.layers[layer]?.digest as string;
const parents = (paths: string[]) => [...new Set(paths.map(parentOf))].sort();

async function textOf(path: string, layer: string): Promise<string> {
  const { bytes } = await view.filePart({ path, layer }, 0, 1 << 20);
  return new TextDecoder().decode(bytes);
}

describe("a first view", () => {
  it("of a text file: every directory down to it, whole, and its text as its layer has it", async () => {
    const first = await firstView(view, merged("/etc/passwd"));
    expect(first.image.digest).toBe(image.digest);
    const paths = first.items.map((item) => item.path);
    expect(parents(paths)).toEqual(["/", "/etc"]);
    expect(paths.filter((path) => parentOf(path) === "/")).toEqual((await view.directory("/", null)).children.map((child) => child.path));
    expect(paths).toEqual(expect.arrayContaining(["/etc/passwd", "/etc/group", "/bin"]));
    expect(first.file).toEqual({ ref: { path: "/etc/passwd", layer: digestOf(0) }, text: await textOf("/etc/passwd", digestOf(0)), size: 340 });
  });

  it("of a binary (and a hard link to it): the tree, and no text", async () => {
    for (const path of ["/bin/[", "/bin/[["]) {
      const first = await firstView(view, merged(path));
      expect(first.items.map((item) => item.path)).toContain(path);
      expect(first.file, path).toBeUndefined();
    }
  });

  it("of a directory: it is opened too; of a path not in the image: the top alone", async () => {
    // Layers 0..2 make /root/example/really/nested; a later one removes /root/example.
    const nested = await firstView(view, merged("/root/example/really", 2));
    expect(parents(nested.items.map((item) => item.path))).toEqual(["/", "/root", "/root/example", "/root/example/really"]);
    expect(nested.file).toBeUndefined();
    const missing = await firstView(view, merged("/no/such/file"));
    expect(parents(missing.items.map((item) => item.path))).toEqual(["/"]);
    expect(missing.file).toBeUndefined();
  });

  it("of a layer's file: that layer's changes at the shown levels, and its version of the file", async () => {
    const path = "/root/example/somefile1.txt";
    const first = await firstView(view, { kind: "layer", digest: digestOf(4), path });
    const shown = ["/", "/root", "/root/example"];
    const levels = await Promise.all(shown.map((dir) => view.changedDirectory(4, dir)));
    expect(first.items).toEqual(levels.flatMap((level) => level.children.map(treeItemOf)));
    // Every change at those levels, marked as the layer's changes say; the rest are directories on the way to changes.
    const changes = (await view.changes(4)).changes.filter((change) => shown.includes(parentOf(change.path)));
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes)
      expect(first.items, change.path).toContainEqual(expect.objectContaining({ path: change.path, change: change.change }));
    expect(first.items.filter((item) => item.change === undefined).every((item) => item.type === "dir")).toBe(true);
    expect(first.items.map((item) => item.path)).toContain(path);
    expect(first.file?.text).toBe(await textOf(path, digestOf(4)));
  });

  it("of layers 0..N: the file as layer N left it", async () => {
    const path = "/root/example/somefile1.txt";
    const first = await firstView(view, merged(path, 3));
    expect(first.file).toEqual({ ref: { path, layer: digestOf(3) }, text: await textOf(path, digestOf(3)), size: 6405 });
    const before = await firstView(view, merged("/root/example", 2));
    expect(before.items.map((item) => item.path)).not.toContain(path);
  });
});
