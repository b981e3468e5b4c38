import { describe, expect, it } from "vitest";
import { buildCompareTree, byteDelta, CHANGE_KINDS, deltaWeight } from "@/lib/client/compare-tree";
import { pathMatcher } from "@/lib/core/glob";
import { textDiff } from "@/lib/client/text-diff";
import { visibleRows } from "@/lib/core/tree";
import type { ChangeKind, DiffChange, DiffEntry } from "@/lib/core/api-types";

const file = (size: number, extra: Partial<DiffEntry> = {}): DiffEntry => ({ type: "file", size, mode: 0o644, uid: 0, gid: 0, layer: 0, ...extra });
const dir: DiffEntry = { type: "dir", size: 0, mode: 0o755, uid: 0, gid: 0, layer: 0 };

const CHANGES: DiffChange[] = [
  { path: "/etc/motd", change: "modified", fields: ["content"], a: file(100), b: file(150) },
  { path: "/usr/bin/tool", change: "modified", fields: ["mode"], a: file(10, { mode: 0o755 }), b: file(10, { mode: 0o4755 }) },
  { path: "/usr/share/doc", change: "removed", a: dir, b: null },
  { path: "/usr/share/doc/a", change: "removed", a: file(1000), b: null },
  { path: "/usr/share/doc/b", change: "removed", a: file(3000), b: null },
  { path: "/usr/share/doc/link", change: "removed", a: { ...dir, type: "symlink", linkname: "a" }, b: null },
  { path: "/usr/share/new.txt", change: "added", a: null, b: file(7) },
];
const ALL = new Set<ChangeKind>(CHANGE_KINDS);

describe("the compare tree", () => {
  it("rolls up the kinds and the byte delta of everything below each directory", () => {
    const tree = buildCompareTree(CHANGES, ALL);
    expect(tree.below.get("/usr/share/doc")).toEqual({ added: 0, removed: 3, modified: 0, delta: -4000 });
    expect(tree.below.get("/usr/share")).toEqual({ added: 1, removed: 4, modified: 0, delta: -3993 });
    expect(tree.below.get("/usr")).toEqual({ added: 1, removed: 4, modified: 1, delta: -3993 });
    expect(tree.below.get("/")).toEqual({ added: 1, removed: 4, modified: 2, delta: -3943 });
    expect(tree.below.has("/etc/motd")).toBe(false);
  });

  it("counts only regular files' bytes, as the summary does", () => {
    expect(CHANGES.map(byteDelta)).toEqual([50, 0, 0, -1000, -3000, 0, 7]);
  });

  it("keeps only the kinds asked for; their directories become implied", () => {
    const tree = buildCompareTree(CHANGES, new Set<ChangeKind>(["added"]));
    expect([...tree.changes.keys()]).toEqual(["/usr/share/new.txt"]);
    expect(tree.below.get("/")).toEqual({ added: 1, removed: 0, modified: 0, delta: 7 });
    const rows = visibleRows(tree.root, { expanded: new Set(["/usr", "/usr/share"]), sort: "name" });
    expect(rows.map((row) => [row.path, row.change])).toEqual([
      ["/usr", undefined],
      ["/usr/share", undefined],
      ["/usr/share/new.txt", "added"],
    ]);
  });

  it("starts collapsed, sorts by the size of the change, and filters by glob", () => {
    const tree = buildCompareTree(CHANGES, ALL);
    expect(visibleRows(tree.root, { expanded: new Set(), sort: "name" }).map((row) => row.path)).toEqual(["/etc", "/usr"]);
    const bySize = visibleRows(tree.root, { expanded: new Set(["/etc", "/usr", "/usr/share"]), sort: "size", weight: deltaWeight(tree) });
    expect(bySize.map((row) => row.path)).toEqual(["/usr", "/usr/share", "/usr/share/doc", "/usr/share/new.txt", "/usr/bin", "/etc", "/etc/motd"]);
    const matched = visibleRows(tree.root, { expanded: new Set(), sort: "name", matches: pathMatcher("/usr/share/doc/*") });
    expect(matched.map((row) => row.path)).toEqual([
      "/usr",
      "/usr/share",
      "/usr/share/doc",
      "/usr/share/doc/a",
      "/usr/share/doc/b",
      "/usr/share/doc/link",
    ]);
  });

  it("builds a tree thousands of levels deep without recursion", () => {
    const deep = `/${Array.from({ length: 5000 }, () => "d").join("/")}`;
    const tree = buildCompareTree([{ path: deep, change: "added", a: null, b: file(3) }], ALL);
    expect(tree.below.get("/")).toEqual({ added: 1, removed: 0, modified: 0, delta: 3 });
  });
});

describe("textDiff", () => {
  it("numbers each line on both sides, with context and hunk headers", () => {
    const a = "one\ntwo\nthree\nfour\nfive\n";
    const b = "one\ntwo\nTHREE\nfour\nfive\nsix\n";
    expect(textDiff(a, b, { context: 1 })).toEqual([
      { kind: "hunk", header: "@@ -2,4 +2,5 @@" },
      { kind: "context", oldLine: 2, newLine: 2, text: "two" },
      { kind: "removed", oldLine: 3, newLine: null, text: "three" },
      { kind: "added", oldLine: null, newLine: 3, text: "THREE" },
      { kind: "context", oldLine: 4, newLine: 4, text: "four" },
      { kind: "context", oldLine: 5, newLine: 5, text: "five" },
      { kind: "added", oldLine: null, newLine: 6, text: "six" },
    ]);
  });

  it("shows an added or removed text as all its lines", () => {
    expect(textDiff("", "x\ny\n")).toEqual([
      { kind: "hunk", header: "@@ -0,0 +1,2 @@" },
      { kind: "added", oldLine: null, newLine: 1, text: "x" },
      { kind: "added", oldLine: null, newLine: 2, text: "y" },
    ]);
    expect(textDiff("gone", "")).toEqual([
      { kind: "hunk", header: "@@ -1,1 +0,0 @@" },
      { kind: "removed", oldLine: 1, newLine: null, text: "gone" },
      { kind: "note", text: "\\ No newline at end of file" },
    ]);
  });

  it("says when only the last newline differs", () => {
    const rows = textDiff("a\nb", "a\nb\n") ?? [];
    expect(rows.filter((row) => row.kind === "note")).toHaveLength(1);
  });

  it("is empty for equal texts and keeps markup as plain text", () => {
    expect(textDiff("same\n", "same\n")).toEqual([]);
    expect(textDiff("<b>\n", "<script>alert(1)</script>\n")).toContainEqual({
      kind: "added",
      oldLine: null,
      newLine: 1,
      text: "<script>alert(1)</script>",
    });
  });
});
