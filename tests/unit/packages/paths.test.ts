import { describe, expect, it } from "vitest";
import type { EntryType, FsFile } from "@/lib/core/api-types";
import { inImage } from "@/lib/packages/paths";

const entry = (path: string, type: EntryType = "file", linkname?: string): FsFile => ({
  path,
  type,
  size: 0,
  mode: 0o755,
  uid: 0,
  gid: 0,
  layer: 0,
  ...(linkname !== undefined && { linkname }),
});

describe("inImage: is a path a package lists in the merged image", () => {
  const present = inImage([
    entry("/usr", "dir"),
    entry("/usr/bin", "dir"),
    entry("/usr/bin/ls"),
    entry("/usr/lib", "dir"),
    entry("/usr/lib/x86_64-linux-gnu", "dir"),
    entry("/usr/lib/x86_64-linux-gnu/libc.so.6"),
    // usrmerge, relative and absolute
    entry("/bin", "symlink", "usr/bin"),
    entry("/lib", "symlink", "/usr/lib"),
    entry("/lib64", "symlink", "usr/lib64"),
    entry("/usr/bin/awk", "symlink", "/etc/alternatives/awk"),
    entry("/etc", "dir"),
    entry("/etc/loop", "symlink", "loop"),
    entry("/root-link", "symlink", "/"),
  ]);

  it("finds a path as listed, and one under a symlinked directory (dpkg lists /bin/ls)", () => {
    expect(present("/usr/bin/ls")).toBe(true);
    expect(present("/bin/ls")).toBe(true);
    expect(present("/lib/x86_64-linux-gnu/libc.so.6")).toBe(true);
    expect(present("/root-link/usr/bin/ls")).toBe(true);
    expect(present("/bin")).toBe(true);
    expect(present("/")).toBe(true);
  });

  it("never follows the last component: a package owns a link, not what it points at", () => {
    expect(present("/usr/bin/awk")).toBe(true);
  });

  it("says no for what is gone, dangling links and loops", () => {
    expect(present("/bin/cat")).toBe(false);
    expect(present("/lib64/ld-linux-x86-64.so.2")).toBe(false);
    expect(present("/opt/app")).toBe(false);
    expect(present("/etc/loop/x")).toBe(false);
  });
});
