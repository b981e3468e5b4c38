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
import { indexInMemory, type TreeIndex } from "@/lib/service/tree-index";
import { indexedChangedDirectory, indexedChanges, indexedDirectory, indexedSearch, indexedSummary } from "@/lib/service/tree-queries";
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
  const bottom: LayerEntry[] = [entry("/etc", "dir"), entry("/etc/passwd"), entry("/gone", "dir"), entry("/gone/file")];
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
    entry("/many/d1/f1.txt", "file", { size: 99_999 }),
  ];
  return [bottom, top];
}

const image = { digest: "sha256:image", layers: [{ digest: "sha256:l0" }, { digest: "sha256:l1" }] } as unknown as ImageInfo;

async function both(upTo = 1): Promise<{ index: TreeIndex; merged: ReturnType<typeof mergeImage> }> {
  const merged = mergeImage(image, layers().slice(0, upTo + 1), 1e9);
  const index = await indexInMemory(writeTreeIndex(merged.fs, (layer) => merged.merge.changes(layer)));
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
      ["etc", null, 3],
      ["gone", null, 1],
      ["many", null, 1],
    ]);
    const etc = await indexedChangedDirectory(index, "sha256:image", 1, "/etc");
    expect(etc.children.map(({ name, change, type }) => [name, change, type])).toEqual([
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

  it("of layers 0..0 is the bottom layer's tree", async () => {
    const { index, merged } = await both(0);
    expect(await indexedDirectory(index, "sha256:image", "/gone")).toEqual(directoryOf(merged.fs, "/gone"));
    expect((await indexedDirectory(index, "sha256:image", "/gone")).children).toHaveLength(1);
  });

  it("is the same bytes however often it is written", async () => {
    const merged = mergeImage(image, layers(), 1e9);
    const write = () => [...writeTreeIndex(merged.fs, (layer) => merged.merge.changes(layer))].join("");
    expect(write()).toBe(write());
  });
});
