import { describe, expect, it } from "vitest";
import { pathMatcher } from "@/lib/core/glob";
import { buildTree, findNode, visibleRows, type TreeItem } from "@/lib/core/tree";

const items: TreeItem[] = [
  { path: "/etc", type: "dir", size: 0 },
  { path: "/etc/nginx/nginx.conf", type: "file", size: 300 },
  { path: "/etc/hosts", type: "file", size: 20 },
  { path: "/usr/bin/big", type: "file", size: 5000 },
  { path: "/usr/bin/gone", type: "file", size: 999, change: "removed" },
];

describe("buildTree", () => {
  const root = buildTree(items);

  it("nests paths, creates missing parents, and sums directory sizes without removed entries", () => {
    expect(findNode(root, "/etc/nginx")?.type).toBe("dir");
    expect(findNode(root, "/etc")?.total).toBe(320);
    expect(findNode(root, "/usr")?.total).toBe(5000);
    expect(root.total).toBe(5320);
  });

  it("shows only expanded directories' children, sorted by name or size", () => {
    expect(visibleRows(root, { expanded: new Set(), sort: "name" }).map((n) => n.path)).toEqual(["/etc", "/usr"]);
    expect(visibleRows(root, { expanded: new Set(["/etc"]), sort: "size" }).map((n) => n.path)).toEqual(["/usr", "/etc", "/etc/nginx", "/etc/hosts"]);
  });

  it("with a filter, shows matches and the directories leading to them", () => {
    const rows = visibleRows(root, { expanded: new Set(), sort: "name", matches: pathMatcher("*.conf") });
    expect(rows.map((n) => n.path)).toEqual(["/etc", "/etc/nginx", "/etc/nginx/nginx.conf"]);
  });
});

describe("pathMatcher", () => {
  it("matches substrings case-insensitively", () => {
    expect(pathMatcher("NGINX")("/etc/nginx/nginx.conf")).toBe(true);
    expect(pathMatcher("apache")("/etc/nginx/nginx.conf")).toBe(false);
  });

  it("matches globs: * within a name, ** across directories, ? one character, / anchors", () => {
    expect(pathMatcher("*.conf")("/etc/nginx/nginx.conf")).toBe(true);
    expect(pathMatcher("/etc/*.conf")("/etc/nginx/nginx.conf")).toBe(false);
    expect(pathMatcher("/etc/**.conf")("/etc/nginx/nginx.conf")).toBe(true);
    expect(pathMatcher("host?")("/etc/hosts")).toBe(true);
    expect(pathMatcher("a.b")("/x/aXb")).toBe(false);
  });
});
