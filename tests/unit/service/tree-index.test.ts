/**
 * The merged tree's index answers exactly what the tree in memory answers (lib/fs/directory.ts),
 * for every directory, sort and search, on names chosen to break a line format.
 */
import { describe, expect, it } from "vitest";
import type { EntryType, ImageInfo, LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { changedDirectoryOf, changesOf, directoryOf, searchOf, summaryOf } from "@/lib/fs/directory";
import { mergeImage } from "@/lib/fs/merge-image";
import { changeOfRecord, writeTreeIndex } from "@/lib/fs/tree-index";
import { memoryBytes } from "@/lib/cache/stored-bytes";
import { indexInMemory, TreeIndex } from "@/lib/service/tree-index";
import {
  indexedChangedDirectory,
  indexedChangeLocated,
  indexedChanges,
  indexedDirectory,
  indexedLocated,
  indexedSearch,
  indexedSummary,
} from "@/lib/service/tree-queries";
import { bytesToOpen, locatedInLayer, locateInMerge, MERGED } from "@/lib/fs/locate";
import { pageOf } from "@/lib/core/paging";

const entry = (path: string, type: EntryType = "file", extra: Partial<LayerEntry> = {}): LayerEntry => ({
  path,
  type,
  size: type === "file" ? path.length * 3 : 0,
  mode: type === "dir" ? 0o755 : 0o644,
  uid: 0,
  gid: 0,
  mtime: 0,
  ...extra,
});

/** Names that a line of JSON, a path split or a sort could get wrong. */
const ODD_NAMES = ['quote"d', "back\\slash", "new\nline", "tab\tbed", "ünïcödé", "100%25", "a-b", "a", "a.b", "🙂", '",', "x,y"];

function layers(): LayerEntry[][] {
  const bottom: LayerEntry[] = [
    entry("/etc", "dir"),
    entry("/etc/passwd"),
    // Linked to a file the next layer removes: the link keeps its bytes.
    entry("/etc/bottom-hard", "hardlink", { linkname: "/etc/passwd" }),
    entry("/gone", "dir"),
    entry("/gone/file"),
  ];
  for (const name of ODD_NAMES) {
    bottom.push(entry(`/odd/${name}`, "dir"), entry(`/odd/${name}/${name}`), entry(`/odd/${name}.txt`));
  }
  for (let i = 0; i < 300; i++) bottom.push(entry(`/many/d${i % 7}/f${i}.txt`));
  const top: LayerEntry[] = [
    // Markers as the reader gives them: the path they act on.
    entry("/gone", "file", { opaque: true }),
    entry("/etc/passwd", "file", { whiteout: true }),
    entry("/etc/link", "symlink", { linkname: "../odd/a" }),
    entry("/etc/hard", "hardlink", { linkname: "/many/d0/f0.txt" }),
    entry("/etc/dangling", "hardlink", { linkname: "/no/such/file" }),
    entry("/many/d1/f1.txt", "file", { size: 99_999 }),
  ];
  return [bottom, top];
}

const image = { digest: "sha256:image", layers: [{ digest: "sha256:l0" }, { digest: "sha256:l1" }] } as unknown as ImageInfo;

async function both(upTo = 1): Promise<{ index: TreeIndex; merged: ReturnType<typeof mergeImage> }> {
  const merged = mergeImage(image, layers().slice(0, upTo + 1), 1e9);
  const index = await indexInMemory(writeTreeIndex(merged.fs, merged.merge));
  return { index, merged };
}

const failure = async (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: PortholeError) => `${error.code} ${error.message}`,
  );
const failureOf = (call: () => unknown) => failure(Promise.resolve().then(call));

describe("the merged tree's index", () => {
  it("answers every directory, by name and by size, as the tree in memory does", async () => {
    const { index, merged } = await both();
    const dirs = merged.fs.files.filter((file) => file.type === "dir").map((file) => file.path);
    expect(dirs.length).toBeGreaterThan(ODD_NAMES.length);
    for (const path of ["/", ...dirs]) {
      for (const sort of ["name", "size"] as const) {
        expect(await indexedDirectory(index, "sha256:image", path, sort), `${path} by ${sort}`).toEqual(directoryOf(merged.fs, path, sort));
      }
    }
  });

  it("refuses a path that is no directory as the tree in memory does", async () => {
    const { index, merged } = await both();
    for (const path of ["/etc/link", "/odd/new\nline.txt", "/no/such", "/etc/passwd"]) {
      expect(await failure(indexedDirectory(index, "sha256:image", path)), path).toEqual(await failureOf(() => directoryOf(merged.fs, path)));
    }
  });

  it("searches by substring and glob in path order, a page at a time, with the same totals", async () => {
    const { index, merged } = await both();
    for (const query of [
      "txt",
      "*.txt",
      "**/f1*",
      '"',
      "\\",
      "w\nl",
      "ünï",
      "%25",
      "/odd/*",
      "nothing-matches",
      "?.txt",
      "*.TXT",
      "**/a-b/*",
      "*ünï*",
      "**",
      "/many/d?/f1*.txt",
      "*\\*",
      "odd/*/*",
      "ODD",
    ]) {
      const whole = searchOf(merged.fs, query, 10_000);
      expect(await indexedSearch(index, "sha256:image", query, 10_000), query).toEqual(whole);
      // Pages of 7 walk the same matches, each ending where the next starts.
      const paged: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await indexedSearch(index, "sha256:image", query, 7, after);
        expect(page, `${query} after ${after}`).toEqual(searchOf(merged.fs, query, 7, after));
        paged.push(...page.matches.map((match) => match.path));
        if (!page.next) break;
        after = page.next;
      }
      expect(paged).toEqual(whole.matches.map((match) => match.path));
    }
    expect(await failure(indexedSearch(index, "sha256:image", "  ", 5))).toMatch(/^BAD_REQUEST/);
    expect(await failure(indexedChanges(index, 1, { limit: 5 }, " "))).toMatch(/^BAD_REQUEST/);
  });

  it("scans past a line longer than a read (a path of 1.5 million characters) and finds what follows it", async () => {
    const long = `/long/${"x".repeat(1_500_000)}`;
    const stack = [[entry(long), entry("/long/z-after"), ...layers()[0]!]];
    const merged = mergeImage({ ...image, layers: image.layers.slice(0, 1) }, stack, 1e9);
    const index = await indexInMemory(writeTreeIndex(merged.fs, merged.merge));
    for (const query of ["xxx", "after", "/long/*", "*.txt"]) {
      expect(await indexedSearch(index, "sha256:image", query, 10_000), query).toEqual(searchOf(merged.fs, query, 10_000));
    }
    expect((await indexedSearch(index, "sha256:image", "/long/*", 10)).matches.map((match) => match.path.length)).toEqual([long.length, 13]);
  });

  it("fails a scan whose section runs past the stored bytes (a damaged table), never reads on", async () => {
    const { index } = await both();
    const [offset, length] = index.table.paths;
    const merged = mergeImage(image, layers(), 1e9);
    const bytes = Buffer.from([...writeTreeIndex(merged.fs, merged.merge)].join(""));
    const damaged = new TreeIndex({ ...index.table, paths: [offset, length + 5_000_000] }, memoryBytes(bytes));
    expect(await failure(indexedSearch(damaged, "sha256:image", "txt", 10))).toMatch(/^INTERNAL .*shorter than its table says/);
  });

  it("keeps the figures and every layer's changes", async () => {
    const { index, merged } = await both();
    expect(indexedSummary(index, "sha256:other")).toEqual({ ...summaryOf(merged.fs), digest: "sha256:other" });
    expect(index.table.summary.entries).toBe(merged.fs.files.length);
    for (const [layer, [offset, length, count]] of index.table.changes.entries()) {
      const lines: string[] = [];
      for await (const block of index.blocks([offset, length])) lines.push(...block.slice(0, -1).split("\n"));
      expect(lines.map((line) => changeOfRecord(JSON.parse(line)))).toEqual(merged.merge.changes(layer));
      expect(count).toBe(merged.merge.changes(layer).length);
      // A page at a time, as the list in memory pages.
      for (const page of [{ limit: 3 }, { limit: 3, after: "/etc" }, { limit: Infinity }, { limit: 2, after: "/zzz" }]) {
        const { items, ...rest } = pageOf(merged.merge.changes(layer), page);
        expect(await indexedChanges(index, layer, page), JSON.stringify(page)).toEqual({ layer, changes: items, ...rest });
        // Filtered as the tree's filter filters: a substring, a glob (they match: layer 0 has hundreds of .txt files).
        expect(changesOf(0, merged.merge.changes(0), undefined, "*.txt").total).toBeGreaterThan(300);
        for (const query of ["F1", "*.txt", "/etc/**", "new\nline", "**/d1/*"]) {
          const expected = changesOf(layer, merged.merge.changes(layer), page, query);
          expect(await indexedChanges(index, layer, page, query), `${query} ${JSON.stringify(page)}`).toEqual(expected);
        }
      }
    }
  });

  it("answers every directory of every layer's changes, by name and by size, as the layer's tree in memory does", async () => {
    const { index, merged } = await both();
    for (const layer of [0, 1]) {
      const changes = merged.merge.changes(layer);
      const dirs = new Set(["/"]);
      for (const { path } of changes) for (let at = path.lastIndexOf("/"); at > 0; at = path.lastIndexOf("/", at - 1)) dirs.add(path.slice(0, at));
      expect(dirs.size).toBeGreaterThan(layer === 0 ? ODD_NAMES.length : 3);
      for (const path of dirs) {
        for (const sort of ["name", "size"] as const) {
          const expected = changedDirectoryOf("sha256:image", layer, changes, path, sort);
          expect(await indexedChangedDirectory(index, "sha256:image", layer, path, sort), `layer ${layer} ${path} by ${sort}`).toEqual(expected);
        }
      }
    }
  });

  it("draws a layer's changes as its view does: changes marked, directories on the way to them unmarked, removed bytes not counted", async () => {
    const { index } = await both();
    const top = await indexedChangedDirectory(index, "sha256:image", 1, "/");
    expect(top.children.map(({ name, change, children }) => [name, change ?? null, children])).toEqual([
      ["etc", null, 4],
      ["gone", null, 1],
      ["many", null, 1],
    ]);
    const etc = await indexedChangedDirectory(index, "sha256:image", 1, "/etc");
    expect(etc.children.map(({ name, change, type }) => [name, change, type])).toEqual([
      ["dangling", "added", "hardlink"],
      ["hard", "added", "hardlink"],
      ["link", "added", "symlink"],
      ["passwd", "removed", "file"],
    ]);
    expect(top.total).toBe(99_999);
  });

  it("refuses a path outside a layer's changes, or not a directory of them, as the tree in memory does", async () => {
    const { index, merged } = await both();
    for (const path of ["/odd", "/etc/passwd", "/many/d1/f1.txt", "/no/such"]) {
      const expected = await failureOf(() => changedDirectoryOf("sha256:image", 1, merged.merge.changes(1), path));
      expect(expected, path).not.toBeNull();
      expect(await failure(indexedChangedDirectory(index, "sha256:image", 1, path)), path).toEqual(expected);
    }
  });

  it("says where every path's bytes are in the merged tree as the merge does, refusing what has none", async () => {
    const { index, merged } = await both();
    const paths = [...merged.fs.files.map((file) => file.path), "/", "/etc/passwd", "/no/such", "/etc/link/below"];
    const hardlinks = merged.fs.files.filter((file) => file.type === "hardlink").map((file) => file.path);
    expect(hardlinks).toEqual(["/etc/bottom-hard", "/etc/dangling", "/etc/hard"]);
    for (const path of paths) {
      const expected = await failureOf(() => locateInMerge(merged.merge, path)).then((failed) => failed ?? locateInMerge(merged.merge, path));
      const actual = await failure(indexedLocated(index, path).then((found) => bytesToOpen(path, found, MERGED))).then(
        async (failed) => failed ?? bytesToOpen(path, await indexedLocated(index, path), MERGED),
      );
      expect(actual, path).toEqual(expected);
    }
    // Where the links' bytes are, spelled out: a file the next layer removed, and one of another layer.
    expect(await indexedLocated(index, "/etc/bottom-hard")).toEqual({ type: "hardlink", linkname: "/etc/passwd", bytes: { layer: 0, ordinal: 1 } });
    const target = layers()[0]?.findIndex((candidate) => candidate.path === "/many/d0/f0.txt");
    expect(await indexedLocated(index, "/etc/hard")).toEqual({ type: "hardlink", linkname: "/many/d0/f0.txt", bytes: { layer: 0, ordinal: target } });
  });

  it("says where each layer's added and modified files' bytes were as of that layer, as its tar and the layers below it say", async () => {
    const { index, merged } = await both();
    const all = layers();
    for (const [layer, entries] of all.entries()) {
      for (const change of merged.merge.changes(layer)) {
        const { path } = change;
        const found = await indexedChangeLocated(index, layer, path);
        if (change.change === "removed" || change.type === "dir") {
          expect(found?.bytes ?? null, `layer ${layer} ${path}`).toBeNull();
          continue;
        }
        // The oracle: the layer's last entry for the path; a hardlink's target as the layers up to this one merge.
        const ordinal = entries.findLastIndex((candidate) => candidate.path === path);
        const last = entries[ordinal] as LayerEntry;
        const below = mergeImage(image, all.slice(0, layer + 1), 1e9).merge.locate(path);
        const expected = last.type === "file" ? { layer, ordinal } : last.type === "hardlink" ? (below?.bytes ?? null) : null;
        expect(found, `layer ${layer} ${path}`).toEqual({
          type: last.type,
          ...(last.linkname !== undefined && { linkname: last.linkname }),
          bytes: expected,
        });
      }
    }
    // The browser's lookup for local images (the merge in memory) finds the same, paths that are not changes included.
    for (const layer of [0, 1]) {
      for (const path of [...merged.fs.files.map((file) => file.path), "/etc/passwd", "/many", "/no/such"]) {
        expect(locatedInLayer(merged.merge, layer, path), `layer ${layer} ${path}`).toEqual(await indexedChangeLocated(index, layer, path));
      }
    }
    // Layer 0's view of a file layer 1 overwrote still opens layer 0's bytes.
    const overwritten = all[0]?.findIndex((candidate) => candidate.path === "/many/d1/f1.txt");
    expect(await indexedChangeLocated(index, 0, "/many/d1/f1.txt")).toEqual({ type: "file", bytes: { layer: 0, ordinal: overwritten } });
    // Nothing to open where a layer only removed, or only passes on the way to its changes.
    expect(await indexedChangeLocated(index, 1, "/etc/passwd")).toBeNull();
    expect(await indexedChangeLocated(index, 1, "/many")).toBeNull();
  });

  it("of layers 0..0 is the bottom layer's tree", async () => {
    const { index, merged } = await both(0);
    expect(await indexedDirectory(index, "sha256:image", "/gone")).toEqual(directoryOf(merged.fs, "/gone"));
    expect((await indexedDirectory(index, "sha256:image", "/gone")).children).toHaveLength(1);
  });

  it("is the same bytes however often it is written", async () => {
    const merged = mergeImage(image, layers(), 1e9);
    const write = () => [...writeTreeIndex(merged.fs, merged.merge)].join("");
    expect(write()).toBe(write());
  });
});
