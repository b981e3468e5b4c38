/**
 * Comparing two real Debian root filesystems of different shapes — bookworm `essential` against
 * `minbase` with its documentation removed by a whiteout layer, as slim images do — checked against
 * what the filesystem itself says: both tars extracted by GNU tar (the whiteout applied as a runtime
 * does, by deleting), then read back with find(1) and sha256sum(1).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as diffGET } from "@/app/api/v1/diff/route";
import type { DiffField, DiffResponse } from "@/lib/core/api-types";
import { comparePaths } from "@/lib/core/paths";
import { overrideSettings } from "@/lib/config";
import { OPEN_REGISTRY } from "@/tests/world/config";
import { pushSingle } from "@/tests/world/fixtures";
import { debianRootfs } from "@/tests/support/debian-rootfs";

interface Seen {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  linkname: string;
  size: number;
  sha256?: string;
}

const FIND_TYPES: Record<string, string> = { f: "file", d: "dir", l: "symlink", c: "char", b: "block", p: "fifo" };
const work = mkdtempSync(join(tmpdir(), "porthole-debian-diff-"));

/** Extracts a root filesystem tar as root would, and reads every path back from the disk. */
function extractAndRead(name: string, archive: Buffer, deleted: string[] = []): Map<string, Seen> {
  const dir = join(work, name);
  execFileSync("mkdir", ["-p", dir]);
  execFileSync("tar", ["-x", "--numeric-owner", "-C", dir], { input: archive, maxBuffer: 1 << 30 });
  for (const path of deleted) rmSync(join(dir, path), { recursive: true, force: true });
  const seen = new Map<string, Seen>();
  const listing = execFileSync("find", [".", "-mindepth", "1", "-printf", "%P\\t%y\\t%m\\t%U\\t%G\\t%s\\t%l\\n"], { cwd: dir, maxBuffer: 1 << 28 });
  for (const line of listing.toString("utf8").split("\n").filter(Boolean)) {
    const [path = "", type = "", mode = "", uid = "", gid = "", size = "", linkname = ""] = line.split("\t");
    seen.set(`/${path}`, {
      type: FIND_TYPES[type] ?? type,
      mode: parseInt(mode, 8),
      uid: Number(uid),
      gid: Number(gid),
      size: Number(size),
      linkname,
    });
  }
  const sums = execFileSync("bash", ["-c", "find . -type f -print0 | xargs -0 sha256sum"], { cwd: dir, maxBuffer: 1 << 28 });
  for (const line of sums.toString("utf8").split("\n").filter(Boolean)) {
    const entry = seen.get(`/${line.slice(66).replace(/^\.\//, "")}`);
    if (entry) entry.sha256 = `sha256:${line.slice(0, 64)}`;
  }
  return seen;
}

/** The spec's rules applied to what the disk shows. */
function expectedFields(a: Seen, b: Seen): DiffField[] {
  const fields: DiffField[] = [];
  if (a.type !== b.type) fields.push("type");
  else if (a.type === "file" && a.sha256 !== b.sha256) fields.push("content");
  else if (a.type === "symlink" && a.linkname !== b.linkname) fields.push("linkname");
  if ((a.mode & 0o7777) !== (b.mode & 0o7777)) fields.push("mode");
  if (a.uid !== b.uid) fields.push("uid");
  if (a.gid !== b.gid) fields.push("gid");
  return fields;
}

let answer: DiffResponse;
let a: Map<string, Seen>;
let b: Map<string, Seen>;

beforeAll(async () => {
  overrideSettings({ allowPrivateHosts: "all" });
  const essential = debianRootfs("essential");
  const minbase = debianRootfs("minbase");
  const [imageA, imageB] = await Promise.all([
    pushSingle(OPEN_REGISTRY, "fixtures/debian", "essential", { format: "oci", layers: [{ archive: essential }] }),
    pushSingle(OPEN_REGISTRY, "fixtures/debian", "minbase-nodoc", {
      format: "docker",
      layers: [{ archive: minbase }, { compression: "zstd", entries: [{ name: "usr/share/.wh.doc" }] }],
    }),
  ]);
  const url = new URL("http://porthole.test/api/v1/diff");
  url.searchParams.set("a", imageA.ref);
  url.searchParams.set("b", imageB.ref);
  const response = await diffGET(new Request(url));
  expect(response.status).toBe(200);
  answer = await response.json();
  a = extractAndRead("a", essential);
  b = extractAndRead("b", minbase, ["usr/share/doc"]);
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("two real Debian root filesystems", () => {
  it("are real and of different shapes: thousands of paths, some only in one", () => {
    expect(a.size).toBeGreaterThan(3000);
    expect(b.size).toBeGreaterThan(3000);
    expect([...b.keys()].some((path) => !a.has(path))).toBe(true);
    expect([...a.keys()].some((path) => path.startsWith("/usr/share/doc/") && !b.has(path))).toBe(true);
  });

  it("differ in exactly the paths the extracted filesystems differ in, each with the same fields", () => {
    const expected: [string, string, DiffField[] | null][] = [];
    for (const path of new Set([...a.keys(), ...b.keys()])) {
      const left = a.get(path);
      const right = b.get(path);
      if (!right) expected.push([path, "removed", null]);
      else if (!left) expected.push([path, "added", null]);
      else if (expectedFields(left, right).length > 0) expected.push([path, "modified", expectedFields(left, right)]);
    }
    expected.sort((x, y) => comparePaths(x[0], y[0]));
    expect(expected.length).toBeGreaterThan(100);
    expect(answer.changes.map((c) => [c.path, c.change, c.fields ?? null])).toEqual(expected);
  });

  it("count the unchanged paths and the bytes only one side has as the disk does", () => {
    const common = [...a.keys()].filter((path) => b.has(path)).length;
    const onlyIn = (seen: Map<string, Seen>, other: Map<string, Seen>) =>
      [...seen].filter(([path, entry]) => entry.type === "file" && !other.has(path)).reduce((sum, [, entry]) => sum + entry.size, 0);
    expect(answer.summary.unchanged).toBe(common - answer.summary.modified);
    expect(answer.summary.removedBytes).toBe(onlyIn(a, b));
    expect(answer.summary.addedBytes).toBe(onlyIn(b, a));
  });

  it("share no layer, and differ in platform-independent config only where set", () => {
    expect(answer.sharedLayers).toBe(0);
    expect(answer.config).toEqual([]);
  });
});
