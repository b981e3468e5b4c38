import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { FsFile } from "@/lib/core/api-types";
import { comparePaths } from "@/lib/core/paths";
import { changedFields, compareFiles, sharedLayerCount } from "@/lib/compare/files";

const sha = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;
const file = (path: string, content: string, more: Partial<FsFile> = {}): FsFile => ({
  path,
  type: "file",
  size: Buffer.byteLength(content),
  mode: 0o644,
  uid: 0,
  gid: 0,
  layer: 0,
  digest: sha(content),
  ...more,
});
const dir = (path: string, more: Partial<FsFile> = {}): FsFile => ({ path, type: "dir", size: 0, mode: 0o755, uid: 0, gid: 0, layer: 0, ...more });
const symlink = (path: string, linkname: string): FsFile => ({ path, type: "symlink", size: 0, mode: 0o777, uid: 0, gid: 0, layer: 0, linkname });
const sorted = (files: FsFile[]) => [...files].sort((x, y) => comparePaths(x.path, y.path));

describe("comparing two merged filesystems", () => {
  it("a path only in b is added, only in a removed, with their regular-file bytes summed", () => {
    const { changes, summary } = compareFiles(sorted([file("/gone", "12345"), dir("/old")]), sorted([file("/new", "abc"), dir("/fresh")]));
    expect(changes.map((c) => [c.path, c.change])).toEqual([
      ["/fresh", "added"],
      ["/gone", "removed"],
      ["/new", "added"],
      ["/old", "removed"],
    ]);
    expect(summary).toEqual({ added: 2, removed: 2, modified: 0, unchanged: 0, addedBytes: 3, removedBytes: 5 });
    expect(changes[0]?.a).toBeNull();
    expect(changes[1]?.b).toBeNull();
    expect(changes[1]?.a).toEqual({ type: "file", size: 5, mode: 0o644, uid: 0, gid: 0, layer: 0, digest: sha("12345") });
  });

  it("a content change with the same size is modified: content", () => {
    expect(changedFields(file("/etc/motd", "hello"), file("/etc/motd", "HELLO"))).toEqual(["content"]);
  });

  it("an mtime-only difference is not a change (mtimes are not compared at all)", () => {
    const { changes, summary } = compareFiles([file("/a", "x", { layer: 0 })], [file("/a", "x", { layer: 3 })]);
    expect(changes).toEqual([]);
    expect(summary.unchanged).toBe(1);
  });

  it("permission bits count, setuid included; file-type bits in mode do not", () => {
    expect(changedFields(file("/bin/su", "x", { mode: 0o755 }), file("/bin/su", "x", { mode: 0o4755 }))).toEqual(["mode"]);
    expect(changedFields(file("/a", "x", { mode: 0o100644 }), file("/a", "x", { mode: 0o644 }))).toEqual([]);
  });

  it("an owner change is modified: uid and gid", () => {
    expect(changedFields(file("/home/app", "x"), file("/home/app", "x", { uid: 65532, gid: 65532 }))).toEqual(["uid", "gid"]);
  });

  it("a symlink retargeted is modified: linkname", () => {
    expect(changedFields(symlink("/lib/x", "x.so.1"), symlink("/lib/x", "x.so.2"))).toEqual(["linkname"]);
  });

  it("a file swapped for a directory is modified: type (its children are added on their own)", () => {
    const { changes } = compareFiles([file("/app", "bin")], [dir("/app"), file("/app/main", "x")]);
    expect(changes.map((c) => [c.path, c.change, c.fields])).toEqual([
      ["/app", "modified", ["type", "mode"]],
      ["/app/main", "added", undefined],
    ]);
  });

  it("a directory is modified only by its own metadata, never because its children changed", () => {
    const { changes } = compareFiles([dir("/etc"), file("/etc/a", "1")], [dir("/etc"), file("/etc/a", "2"), file("/etc/b", "3")]);
    expect(changes.map((c) => c.path)).toEqual(["/etc/a", "/etc/b"]);
    expect(changedFields(dir("/etc"), dir("/etc", { mode: 0o700 }))).toEqual(["mode"]);
  });

  it("a hardlink compares as the file it points to: the same bytes under a hardlink or a copy are unchanged", () => {
    const link: FsFile = { path: "/bin/b", type: "hardlink", size: 0, mode: 0o755, uid: 0, gid: 0, layer: 1, linkname: "/bin/a", digest: sha("ELF") };
    expect(changedFields(link, file("/bin/b", "ELF", { mode: 0o755 }))).toEqual([]);
    expect(changedFields(link, file("/bin/b", "ELF2", { mode: 0o755 }))).toEqual(["content"]);
  });

  it("names that are not UTF-8 or not ASCII are compared as the same strings the listing shows", () => {
    const { changes } = compareFiles(sorted([file("/caf%E9", "1"), file("/☃", "x")]), sorted([file("/caf%E9", "2"), file("/☃", "x")]));
    expect(changes).toEqual([expect.objectContaining({ path: "/caf%E9", change: "modified", fields: ["content"] })]);
  });

  it("lists every change sorted by path", () => {
    const a = sorted([file("/b", "1"), file("/a/z", "1"), file("/c", "1")]);
    const b = sorted([file("/a", "1"), file("/b", "2"), file("/d", "1")]);
    const paths = compareFiles(a, b).changes.map((c) => c.path);
    expect(paths).toEqual([...paths].sort(comparePaths));
    expect(paths).toEqual(["/a", "/a/z", "/b", "/c", "/d"]);
  });
});

describe("shared layers", () => {
  it("counts leading layers with identical digests, stopping at the first difference", () => {
    expect(sharedLayerCount(["x", "y", "z"], ["x", "y", "q", "z"])).toBe(2);
    expect(sharedLayerCount(["x"], ["y", "x"])).toBe(0);
    expect(sharedLayerCount(["x", "y"], ["x", "y"])).toBe(2);
  });
});
