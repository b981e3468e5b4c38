import { describe, expect, it } from "vitest";
import { packageQuery, pathMatcher } from "@/lib/core/glob";
import { diffPackages, packageDiffSummary } from "@/lib/client/package-diff";
import { directoryLinks, filesOf, ownerIndex, ownersOf, packageLabel, throughLinks } from "@/lib/client/package-owners";
import { surfaceItems, surfaceItemText } from "@/lib/core/surface-words";
import { buildTree, visibleRows } from "@/lib/core/tree";
import type { InstalledPackage } from "@/lib/core/api-types";

const pkg = (type: InstalledPackage["type"], name: string, version: string, files?: string[]): InstalledPackage => ({
  type,
  name,
  version,
  layer: 0,
  db: "/var/lib/dpkg/status",
  ...(files && { files }),
});

const coreutils = pkg("deb", "coreutils", "9.1-1", ["/usr", "/bin/ls", "/usr/share/doc/coreutils/copyright"]);
const base = pkg("deb", "base-files", "12.4", ["/usr", "/etc/os-release"]);
const requests = pkg("python", "Requests", "2.31.0", ["/usr/lib/python3/dist-packages/requests/__init__.py"]);
const zod = pkg("npm", "zod", "3.9.0");

describe("the ownership map", () => {
  const index = ownerIndex([coreutils, base, requests, zod], [["/bin", "/usr/bin"]]);

  it("says which packages own a path, shared directories included", () => {
    expect(ownersOf(index, "/etc/os-release").map(packageLabel)).toEqual(["deb:base-files 12.4"]);
    expect(ownersOf(index, "/usr").map(packageLabel)).toEqual(["deb:coreutils 9.1-1", "deb:base-files 12.4"]);
    expect(ownersOf(index, "/etc/passwd")).toEqual([]);
  });

  it("follows directory symlinks both ways (usrmerge lists /bin/ls; the file is /usr/bin/ls)", () => {
    expect(ownersOf(index, "/usr/bin/ls")).toEqual([coreutils]);
    expect(ownersOf(index, "/bin/ls")).toEqual([coreutils]);
    const other = ownerIndex([pkg("deb", "x", "1", ["/usr/bin/x"])], [["/bin", "/usr/bin"]]);
    expect(ownersOf(other, "/bin/x").map((p) => p.name)).toEqual(["x"]);
  });

  it("finds a package's files by name or type:name, in any case", () => {
    expect([...(filesOf(index, "requests") ?? [])]).toEqual(["/usr/lib/python3/dist-packages/requests/__init__.py"]);
    expect(filesOf(index, " PYTHON:requests ")).toEqual(filesOf(index, "requests"));
    expect(filesOf(index, "deb:requests")).toBeUndefined();
    expect(filesOf(index, "zod")?.size).toBe(0);
    expect(filesOf(index, "nope")).toBeUndefined();
  });

  it("finds where the image has a file its package lists under a linked directory", () => {
    const links = [
      ["/bin", "/usr/bin"],
      ["/lib", "/usr/lib"],
    ] as const;
    expect(throughLinks("/bin/ls", links)).toBe("/usr/bin/ls");
    expect(throughLinks("/lib/x86_64-linux-gnu/libc.so.6", links)).toBe("/usr/lib/x86_64-linux-gnu/libc.so.6");
    expect(throughLinks("/usr/bin/ls", links)).toBe("/usr/bin/ls");
    expect(throughLinks("/bin", links)).toBe("/bin");
    expect(throughLinks("/binaries/x", links)).toBe("/binaries/x");
  });

  it("knows nothing from an answer without files", () => {
    expect(ownerIndex([pkg("deb", "a", "1")]).byPath.size).toBe(0);
  });

  it("takes the image's top-level directory symlinks, not links to files or to the root", () => {
    const tree = buildTree([
      { path: "/bin", type: "symlink", size: 0, linkname: "usr/bin" },
      { path: "/lib", type: "symlink", size: 0, linkname: "/usr/lib" },
      { path: "/root-link", type: "symlink", size: 0, linkname: "." },
      { path: "/loop", type: "symlink", size: 0, linkname: "loop/x" },
      { path: "/usr/bin/ls", type: "file", size: 1 },
    ]);
    expect(directoryLinks(tree)).toEqual([
      ["/bin", "/usr/bin"],
      ["/lib", "/usr/lib"],
    ]);
  });
});

describe("the pkg: filter", () => {
  const index = ownerIndex([coreutils, base], [["/bin", "/usr/bin"]]);
  const files = (name: string) => filesOf(index, name);

  it("is recognised, with or without a type", () => {
    expect(packageQuery("pkg:coreutils")).toBe("coreutils");
    expect(packageQuery("  PKG: deb:coreutils ")).toBe("deb:coreutils");
    expect(packageQuery("coreutils")).toBeNull();
    expect(packageQuery("/pkg:x")).toBeNull();
  });

  it("keeps only the files the package owns, and the directories leading to them", () => {
    const matches = pathMatcher("pkg:coreutils", files);
    expect(matches("/usr/bin/ls")).toBe(true);
    expect(matches("/etc/os-release")).toBe(false);
    const tree = buildTree([
      { path: "/usr/bin/ls", type: "file", size: 1 },
      { path: "/usr/bin/cat", type: "file", size: 1 },
      { path: "/etc/os-release", type: "file", size: 1 },
    ]);
    const rows = visibleRows(tree, { expanded: new Set(), sort: "name", matches: pathMatcher("pkg:deb:coreutils", files) });
    expect(rows.map((row) => row.path)).toEqual(["/usr", "/usr/bin", "/usr/bin/ls"]);
  });

  it("matches nothing while the files are unknown or for an unknown package; everything while the name is empty", () => {
    expect(pathMatcher("pkg:coreutils")("/usr/bin/ls")).toBe(false);
    expect(pathMatcher("pkg:nope", files)("/usr/bin/ls")).toBe(false);
    expect(pathMatcher("pkg:", files)("/anything")).toBe(true);
  });

  it("leaves the other filters as they were", () => {
    expect(pathMatcher("*.conf", files)("/etc/nginx/nginx.conf")).toBe(true);
    expect(pathMatcher("os-rel", files)("/etc/os-release")).toBe(true);
  });
});

describe("package changes between two images", () => {
  const a = [
    pkg("deb", "libc6", "2.36-9"),
    pkg("deb", "curl", "7.88.1-10"),
    pkg("npm", "ms", "2.1.2"),
    pkg("npm", "ms", "2.0.0"),
    pkg("deb", "bash", "5.2-2"),
  ];
  const b = [
    pkg("deb", "libc6", "2.36-9+deb12u4"),
    pkg("deb", "bash", "5.2-2"),
    pkg("npm", "ms", "2.1.2"),
    pkg("python", "curl", "1.0"),
    pkg("deb", "zlib1g", "1:1.2.13"),
  ];

  it("lists added, removed and changed packages by type:name, several versions together", () => {
    expect(diffPackages(a, b)).toEqual([
      { package: "deb:curl", kind: "removed", from: "7.88.1-10", to: null },
      { package: "deb:libc6", kind: "changed", from: "2.36-9", to: "2.36-9+deb12u4" },
      { package: "deb:zlib1g", kind: "added", from: null, to: "1:1.2.13" },
      { package: "npm:ms", kind: "changed", from: "2.0.0, 2.1.2", to: "2.1.2" },
      { package: "python:curl", kind: "added", from: null, to: "1.0" },
    ]);
  });

  it("says how many of each, leaving out none", () => {
    expect(packageDiffSummary(diffPackages(a, b))).toBe("2 added · 1 removed · 2 changed");
    expect(packageDiffSummary(diffPackages(a, a))).toBe("no package changes");
    expect(diffPackages([], [])).toEqual([]);
  });
});

describe("the attack surface as plain text", () => {
  it("words each item as the packages panel does", () => {
    const items = surfaceItems({
      user: "",
      runsAsRoot: true,
      shells: ["/bin/sh", "/usr/bin/bash"],
      packageManagers: [{ name: "apt", path: "/usr/bin/apt" }],
      setuid: ["/usr/bin/su", "/usr/bin/passwd"],
      setgid: [],
      worldWritable: [],
      capabilities: [],
      compilers: [],
      networkTools: [],
    });
    expect(items.map(surfaceItemText)).toEqual(["runs as root", "has shells (bash, sh)", "package manager apt", "2 setuid binaries"]);
  });
});
