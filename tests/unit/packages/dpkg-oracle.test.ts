/**
 * readDpkg against dpkg itself: a real Debian root filesystem (mmdebstrap, variant essential) is
 * extracted, its files picked with dpkgWants as the layer pass would, and what readDpkg reads from
 * them is compared with what dpkg-query says of the same database. Extracting device nodes needs root.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dpkgWants, readDpkg } from "@/lib/packages/dpkg";
import type { CatalogResult } from "@/lib/packages/types";
import { debianRootfs } from "@/tests/support/debian-rootfs";
import { imageFiles } from "@/tests/unit/packages/fixtures";

let root: string;
let admindir: string;
let result: CatalogResult;
const dpkgQuery = (...args: string[]) =>
  execFileSync("dpkg-query", [`--admindir=${admindir}`, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "porthole-dpkg-oracle-"));
  admindir = join(root, "var/lib/dpkg");
  execFileSync("tar", ["-x", "--numeric-owner", "-C", root], { input: debianRootfs("essential"), maxBuffer: 0 });
  result = readDpkg(imageFiles(root, dpkgWants));
}, 600_000); // building the root filesystem the first time on a machine takes minutes

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("dpkg: readDpkg against dpkg-query on a Debian 12 root filesystem", () => {
  it("reads the database without a problem", () => {
    expect(result.problems).toEqual([]);
  });

  it("finds the packages dpkg-query -W lists, with the same versions and architectures", () => {
    const expected = dpkgQuery("-W", "-f", "${Package}\t${Version}\t${Architecture}\n").trim().split("\n").sort();
    const found = result.packages.map(({ name, version, arch }) => `${name}\t${version}\t${arch}`).sort();
    expect(expected.length).toBeGreaterThan(50);
    expect(found).toEqual(expected);
  });

  it("gives every package the files dpkg-query -L lists for it (its .list, without the root)", () => {
    const names = result.packages.map((p) => p.name);
    // With several packages, -L prints their lists in that order, a blank line between two.
    const lists = dpkgQuery("-L", ...names).split("\n\n");
    expect(lists).toHaveLength(names.length);
    const listed = (list: string) => list.split("\n").filter((line) => line.startsWith("/") && line !== "/.");
    const mismatches = result.packages.filter((p, i) => JSON.stringify(p.files) !== JSON.stringify(listed(lists[i] ?? "")));
    expect(mismatches.map((p) => p.name)).toEqual([]);
    // Among them a Multi-Arch: same package (info/libc6:<arch>.list) and one with conffiles.
    const files = (name: string) => result.packages.find((p) => p.name === name)?.files ?? [];
    expect(files("libc6")).toContain("/etc/ld.so.conf.d/x86_64-linux-gnu.conf");
    expect(files("base-files")).toContain("/etc/debian_version");
  });
});
