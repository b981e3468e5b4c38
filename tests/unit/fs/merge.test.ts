import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { EntryType, LayerEntry } from "@/lib/core/api-types";
import { FsMerge } from "@/lib/fs/merge";
import { listLayer } from "@/lib/layer/read";
import { packLayer, type EntrySpec } from "@/tests/support/image-builder";

const entry = (path: string, type: EntryType = "file", extra: Partial<LayerEntry> = {}): LayerEntry => ({
  path,
  type,
  size: type === "file" ? 10 : 0,
  mode: type === "dir" ? 0o755 : 0o644,
  uid: 0,
  gid: 0,
  mtime: 0,
  ...extra,
});
const dir = (path: string, extra: Partial<LayerEntry> = {}) => entry(path, "dir", extra);
const whiteout = (path: string) => entry(path, "file", { size: 0, whiteout: true });
const opaque = (path: string) => entry(path, "file", { size: 0, opaque: true });

function merged(...layers: LayerEntry[][]): FsMerge {
  const merge = new FsMerge();
  for (const layer of layers) merge.addLayer(layer);
  return merge;
}
const paths = (merge: FsMerge) => merge.files().map((f) => f.path);
const changesOf = (merge: FsMerge, layer: number) => merge.changes(layer).map((c) => `${c.change} ${c.path}`);

describe("OCI layer.md merge rules", () => {
  it("whiteout: .wh.<name> deletes <name> and everything under it from lower layers", () => {
    const merge = merged([dir("/a"), entry("/a/f"), dir("/a/sub"), entry("/a/sub/g"), entry("/keep")], [whiteout("/a")]);
    expect(paths(merge)).toEqual(["/keep"]);
    expect(changesOf(merge, 1)).toEqual(["removed /a", "removed /a/f", "removed /a/sub", "removed /a/sub/g"]);
  });

  it("whiteout: applies to lower layers only, never to an entry of its own layer (wherever it stands in the tar)", () => {
    const merge = merged([entry("/x", "file", { size: 1 })], [entry("/x", "file", { size: 2 }), whiteout("/x")]);
    expect(merge.files()).toEqual([expect.objectContaining({ path: "/x", size: 2, layer: 1 })]);
    expect(changesOf(merge, 1)).toEqual(["modified /x"]);
  });

  it("whiteout files are not shown as files", () => {
    expect(paths(merged([whiteout("/ghost"), entry("/real")]))).toEqual(["/real"]);
  });

  it("opaque: .wh..wh..opq hides all lower-layer children of its directory, even when it comes after the directory's own entries", () => {
    const merge = merged([dir("/d"), entry("/d/old1"), entry("/d/old2"), entry("/other")], [dir("/d"), entry("/d/new"), opaque("/d")]);
    expect(paths(merge)).toEqual(["/d", "/d/new", "/other"]);
    expect(changesOf(merge, 1)).toEqual(["added /d/new", "removed /d/old1", "removed /d/old2"]);
  });

  it("type swap: a non-directory replacing a directory removes the directory's whole subtree", () => {
    const merge = merged([dir("/p"), entry("/p/a"), dir("/p/b"), entry("/p/b/c")], [entry("/p", "symlink", { linkname: "/elsewhere" })]);
    expect(merge.files()).toEqual([expect.objectContaining({ path: "/p", type: "symlink", linkname: "/elsewhere", layer: 1 })]);
    expect(changesOf(merge, 1)).toEqual(["modified /p", "removed /p/a", "removed /p/b", "removed /p/b/c"]);
  });

  it("type swap: a directory over a file replaces the file", () => {
    const merge = merged([entry("/q")], [dir("/q"), entry("/q/inside")]);
    expect(merge.files().map((f) => [f.path, f.type])).toEqual([
      ["/q", "dir"],
      ["/q/inside", "file"],
    ]);
    expect(changesOf(merge, 1)).toEqual(["modified /q", "added /q/inside"]);
  });

  it("a directory over a directory merges: lower children stay, the upper's metadata wins", () => {
    const merge = merged([dir("/m"), entry("/m/lower")], [dir("/m", { mode: 0o700, uid: 5 }), entry("/m/upper")]);
    expect(merge.files()).toEqual([
      expect.objectContaining({ path: "/m", mode: 0o700, uid: 5, layer: 1 }),
      expect.objectContaining({ path: "/m/lower", layer: 0 }),
      expect.objectContaining({ path: "/m/upper", layer: 1 }),
    ]);
    expect(changesOf(merge, 1)).toEqual(["modified /m", "added /m/upper"]);
  });

  it("a directory listed again unchanged is not reported as modified", () => {
    const merge = merged([dir("/usr"), entry("/usr/a")], [dir("/usr"), entry("/usr/b")]);
    expect(changesOf(merge, 1)).toEqual(["added /usr/b"]);
  });

  it("the same path twice in one layer: the last entry wins", () => {
    const merge = merged([entry("/dup", "file", { size: 1 }), entry("/dup", "file", { size: 99 })]);
    expect(merge.files()).toEqual([expect.objectContaining({ path: "/dup", size: 99 })]);
    expect(merge.locate("/dup")?.bytes).toEqual({ layer: 0, ordinal: 1 });
    expect(changesOf(merge, 0)).toEqual(["added /dup"]);
  });

  it("the same path twice in one layer, first as a directory with children: the later file replaces it all, and nothing counts as removed", () => {
    const merge = merged([dir("/t"), entry("/t/child"), entry("/t")]);
    expect(paths(merge)).toEqual(["/t"]);
    expect(changesOf(merge, 0)).toEqual(["added /t"]);
  });

  it("parents a layer implies but never lists exist as directories", () => {
    const merge = merged([entry("/deep/er/file")]);
    expect(merge.files().map((f) => [f.path, f.type, f.layer])).toEqual([
      ["/deep", "dir", 0],
      ["/deep/er", "dir", 0],
      ["/deep/er/file", "file", 0],
    ]);
  });

  it("hardlinks: a link to a file in a lower layer opens that layer's bytes, even after the target is deleted", () => {
    const merge = merged(
      [entry("/data/original")],
      [entry("/other")],
      [entry("/data/link", "hardlink", { size: 0, linkname: "/data/original" })],
      [whiteout("/data/original")],
    );
    expect(merge.locate("/data/link")).toEqual({
      type: "hardlink",
      linkname: "/data/original",
      bytes: { layer: 0, ordinal: 0 },
    });
    expect(merge.locate("/data/original")).toBeNull();
  });

  it("hardlinks: a chain of links resolves to the file, and a link in the same layer to an earlier entry works", () => {
    const merge = merged([entry("/f"), entry("/l1", "hardlink", { linkname: "/f" }), entry("/l2", "hardlink", { linkname: "/l1" })]);
    expect(merge.locate("/l2")?.bytes).toEqual({ layer: 0, ordinal: 0 });
  });

  it("capabilities: a file keeps its own, a hard link takes its target's (GNU tar writes them once), a replaced file loses them", () => {
    const merge = merged(
      [entry("/bin/ping", "file", { capability: "cap_net_raw=ep" }), entry("/bin/tool", "file", { capability: "cap_chown=ep" })],
      [entry("/bin/ping6", "hardlink", { linkname: "/bin/ping" }), entry("/bin/tool")],
    );
    expect(merge.files().map((f) => [f.path, f.capability])).toEqual([
      ["/bin", undefined],
      ["/bin/ping", "cap_net_raw=ep"],
      ["/bin/ping6", "cap_net_raw=ep"],
      ["/bin/tool", undefined],
    ]);
  });

  it("attribution: every path carries the layer its visible version comes from", () => {
    const merge = merged([entry("/a"), entry("/b")], [entry("/b")], [entry("/c")]);
    expect(merge.files().map((f) => [f.path, f.layer])).toEqual([
      ["/a", 0],
      ["/b", 1],
      ["/c", 2],
    ]);
    expect(changesOf(merge, 1)).toEqual(["modified /b"]);
  });

  it("removed lists every path gone after the layer, also when a whiteout is re-created as something else", () => {
    const merge = merged([dir("/r"), entry("/r/x")], [whiteout("/r"), entry("/r")]);
    expect(changesOf(merge, 1)).toEqual(["modified /r", "removed /r/x"]);
  });
});

describe("content digests in the merged view", () => {
  const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;
  /** Real layers: packed to tar and listed, so the digests are the ones the listing computes. */
  async function mergedTars(...layers: EntrySpec[][]): Promise<FsMerge> {
    const merge = new FsMerge();
    for (const layer of layers) {
      const entries: LayerEntry[] = [];
      for await (const batch of listLayer(Readable.from([await packLayer(layer)]))) entries.push(...batch);
      merge.addLayer(entries);
    }
    return merge;
  }
  const digests = (merge: FsMerge) => merge.files().map((f) => [f.path, f.digest]);

  it("a hardlink carries its target's digest in the merged view (also into a lower layer)", async () => {
    const merge = await mergedTars(
      [{ name: "bin/tool", content: "tool v1" }],
      [
        { name: "bin/alias", type: "link", linkname: "bin/tool" },
        { name: "lib/x.so", content: "x" },
        { name: "lib/y.so", type: "link", linkname: "lib/x.so" },
        { name: "lib/z.so", type: "link", linkname: "lib/y.so" },
      ],
    );
    expect(digests(merge)).toEqual([
      ["/bin", undefined],
      ["/bin/alias", sha256("tool v1")],
      ["/bin/tool", sha256("tool v1")],
      ["/lib", undefined],
      ["/lib/x.so", sha256("x")],
      ["/lib/y.so", sha256("x")],
      ["/lib/z.so", sha256("x")],
    ]);
  });

  it("a file replaced in an upper layer carries the upper digest (a hardlink made before keeps the bytes it linked)", async () => {
    const merge = await mergedTars(
      [
        { name: "etc/conf", content: "old" },
        { name: "etc/conf.link", type: "link", linkname: "etc/conf" },
      ],
      [{ name: "etc/conf", content: "new" }],
    );
    expect(merge.files().filter((f) => f.type !== "dir")).toEqual([
      expect.objectContaining({ path: "/etc/conf", layer: 1, digest: sha256("new") }),
      expect.objectContaining({ path: "/etc/conf.link", layer: 0, digest: sha256("old") }),
    ]);
  });

  it("directories, symlinks and whiteouts have no digest", async () => {
    const merge = await mergedTars(
      [{ name: "opt/gone", content: "bye" }],
      [
        { name: "opt/", type: "directory" },
        { name: "opt/.wh.gone" },
        { name: "opt/current", type: "symlink", linkname: "v2" },
        { name: "opt/v2/run", content: "#!/bin/sh\n" },
      ],
    );
    expect(digests(merge)).toEqual([
      ["/opt", undefined],
      ["/opt/current", undefined],
      ["/opt/v2", undefined],
      ["/opt/v2/run", sha256("#!/bin/sh\n")],
    ]);
  });
});

/**
 * What squashing saves, counted the long way: every regular file's bytes in every layer, per path,
 * less the copy the merged filesystem shows there.
 */
function hiddenCounted(layers: LayerEntry[][], merge: FsMerge): { path: string; size: number }[] {
  const held = new Map<string, number>();
  for (const entries of layers) {
    for (const item of entries) {
      if (item.type === "file" && !item.whiteout && !item.opaque && item.size > 0) held.set(item.path, (held.get(item.path) ?? 0) + item.size);
    }
  }
  for (const file of merge.files()) if (file.type === "file" && held.has(file.path)) held.set(file.path, (held.get(file.path) as number) - file.size);
  return [...held]
    .filter(([, size]) => size > 0)
    .map(([path, size]) => ({ path, size }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

describe("the bytes no one sees", () => {
  it("are every copy of a file the layers hold, less the visible one, in random stacks of layers", () => {
    // A seeded generator: the same stacks every run, each mixing rewrites, removals, links and type changes.
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    const places = ["/a", "/a/f", "/a/g", "/a/sub", "/a/sub/h", "/b", "/b/i", "/c"];
    let hiddenSeen = 0;
    for (let stack = 0; stack < 300; stack++) {
      const layers = Array.from({ length: 1 + random(4) }, () =>
        Array.from({ length: 1 + random(6) }, () => {
          const path = places[random(places.length)] as string;
          const kind = random(10);
          if (kind < 5) return entry(path, "file", { size: random(3) * 7 });
          if (kind < 7) return dir(path);
          if (kind === 7) return whiteout(path);
          if (kind === 8) return opaque(path);
          return entry(path, "hardlink", { linkname: places[random(places.length)] as string });
        }),
      );
      const merge = merged(...layers);
      const expected = hiddenCounted(layers, merge);
      hiddenSeen += expected.length;
      expect(merge.hidden(), JSON.stringify(layers.map((entries) => entries.map((e) => [e.path, e.type, e.size, e.whiteout, e.opaque])))).toEqual(
        expected,
      );
    }
    // The stacks do hide bytes, often.
    expect(hiddenSeen).toBeGreaterThan(100);
  });
});
