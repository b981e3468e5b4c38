import { cpSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRpmBdb, rpmBdbWants } from "@/lib/packages/rpm-bdb";
import type { CatalogResult } from "@/lib/packages/types";
import { garbage, PKG_FIXTURES } from "@/tests/unit/packages/fixtures";
import {
  berkeleyPackages,
  buildRpmRoot,
  EXPECTED_PACKAGE_COUNT,
  exportedHeaders,
  rpmQueryAll,
  type BerkeleyLayout,
  expectedAlpha,
} from "@/tests/unit/packages/rpm-oracle";

const DB = "/var/lib/rpm/Packages";
const FIXTURE = join(PKG_FIXTURES, "rpm/var/lib/rpm/Packages");
const image = (bytes: Uint8Array) => new Map([[DB, bytes]]);
/** What the parser found, in the oracle's shape. */
const listed = ({ packages }: CatalogResult) =>
  packages.map(({ name, version, arch, files }) => ({ name, version, ...(arch ? { arch } : {}), files }));
const fixtureBytes = () => new Uint8Array(readFileSync(FIXTURE));

// The fixture's layout (4096-byte pages, little-endian): page 1 is bucket 0 (rpm's counter), page 2
// bucket 1 (dive's record, its value off-page), page 3 the overflow page holding dive's header.
const PAGE = 4096;
const NEXT = 16;
const setU32 = (bytes: Uint8Array, at: number, value: number, littleEndian = true) =>
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value, littleEndian);
const DIVE_VALUE_ITEM = 2 * PAGE + 0x0fef; // the off-page item: type, 3 unused bytes, page number, length

/** The page numbers of a database's pages of one type, with their next-page numbers. */
function pagesOfType(bytes: Uint8Array, layout: BerkeleyLayout, type: number): { page: number; next: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pages: { page: number; next: number }[] = [];
  for (let page = 1; (page + 1) * layout.pageSize <= bytes.length; page++) {
    if (bytes[page * layout.pageSize + 25] === type) pages.push({ page, next: view.getUint32(page * layout.pageSize + NEXT, !layout.bigEndian) });
  }
  return pages;
}

let work: string;
let headers: Uint8Array[];
beforeAll(() => {
  const built = buildRpmRoot();
  work = built.dir;
  headers = exportedHeaders(built.root);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("rpm Berkeley DB: real databases, rpm as the oracle", () => {
  it("wants the Packages file where rpm < 4.16 keeps it, nothing else", () => {
    expect(rpmBdbWants("/var/lib/rpm/Packages")).toBe(true);
    expect(rpmBdbWants("/usr/lib/sysimage/rpm/Packages")).toBe(true);
    expect(rpmBdbWants("/var/lib/rpm/Packages.db")).toBe(false);
    expect(rpmBdbWants("/var/lib/rpm/Name")).toBe(false);
  });

  it("the fixture (syft's): dive, as rpm's own bdb_ro backend reads it", () => {
    const result = readRpmBdb(image(fixtureBytes()));
    expect(result).toEqual({
      packages: [{ type: "rpm", name: "dive", version: "0.9.2-1", arch: "x86_64", db: DB, files: ["/usr/local/bin/dive"] }],
      problems: [],
    });
    const copy = join(work, "fixture");
    cpSync(join(PKG_FIXTURES, "rpm/var/lib/rpm"), copy, { recursive: true });
    expect(listed(result)).toEqual(rpmQueryAll(copy));
  });

  const layouts: [string, BerkeleyLayout, (bytes: Uint8Array) => void][] = [
    ["rpm's own layout (4096-byte pages, little-endian)", { pageSize: 4096, bigEndian: false }, () => {}],
    [
      "512-byte pages: dozens of buckets over several split points, headers over many overflow pages",
      { pageSize: 512, bigEndian: false, fillFactor: 1 },
      (bytes) => {
        expect(new DataView(bytes.buffer).getUint32(72, true)).toBeGreaterThan(16); // max bucket
        expect(pagesOfType(bytes, { pageSize: 512, bigEndian: false }, 7).length).toBeGreaterThan(100);
      },
    ],
    [
      "big-endian, colliding keys: a bucket that is a chain of pages",
      { pageSize: 512, bigEndian: true, collide: true },
      (bytes) => expect(pagesOfType(bytes, { pageSize: 512, bigEndian: true }, 13).some(({ next }) => next !== 0)).toBe(true),
    ],
    ["big-endian, 4096-byte pages", { pageSize: 4096, bigEndian: true }, () => {}],
  ];
  it.each(layouts)("db_load's %s: the same packages, files and order as rpm -qa", (name, layout, checkLayout) => {
    const dir = join(work, name.replace(/\W+/g, "-"));
    const bytes = new Uint8Array(readFileSync(berkeleyPackages(dir, headers, layout)));
    checkLayout(bytes);
    const result = readRpmBdb(image(bytes));
    expect(result.problems).toEqual([]);
    expect(result.packages).toHaveLength(EXPECTED_PACKAGE_COUNT);
    expect(listed(result)).toEqual(rpmQueryAll(dir));
    expect(result.packages.find((found) => found.name === "porthole-alpha")).toEqual(expectedAlpha(DB));
  });
});

describe("rpm Berkeley DB: hostile and broken files", () => {
  const problems = (bytes: Uint8Array) => readRpmBdb(image(bytes)).problems.map(({ message }) => message);

  it("not a hash database: too short, wrong magic, wrong version or page size", () => {
    expect(problems(new Uint8Array(100))).toEqual(["is not a Berkeley DB database: 100 bytes is less than a metadata page"]);
    expect(problems(new Uint8Array(4096))).toEqual(["is not a Berkeley DB hash database (wrong magic number)"]);
    const wrongVersion = fixtureBytes();
    setU32(wrongVersion, 16, 7);
    expect(problems(wrongVersion)).toEqual(["has Berkeley DB hash version 7, which is not read"]);
    const wrongPageSize = fixtureBytes();
    setU32(wrongPageSize, 20, 3000);
    expect(problems(wrongPageSize)).toEqual(["has an invalid page size 3000"]);
  });

  it("a truncated file: what is left is read, the missing pages reported", () => {
    const result = readRpmBdb(image(fixtureBytes().subarray(0, 3 * PAGE)));
    expect(result.packages).toEqual([]);
    expect(result.problems.map(({ message }) => message)).toEqual([
      "is truncated: its metadata counts 4 pages, the file holds 3",
      "the overflow value on page 2 points at page 3, outside the file's 3 pages",
    ]);
  });

  it("a loop in a bucket's page chain is reported and not followed", () => {
    const bytes = fixtureBytes();
    setU32(bytes, 2 * PAGE + NEXT, 1); // bucket 1's page continues into bucket 0's
    const result = readRpmBdb(image(bytes));
    expect(result.packages.map(({ name }) => name)).toEqual(["dive"]);
    expect(result.problems.map(({ message }) => message)).toEqual([
      "bucket 1 reaches page 1 a second time (a loop in the page chain); stopped there",
    ]);
  });

  it("a loop in an overflow chain is reported, the value skipped", () => {
    const layout = { pageSize: 512, bigEndian: false };
    const bytes = new Uint8Array(readFileSync(berkeleyPackages(join(work, "loop"), headers, layout)));
    const { page } = pagesOfType(bytes, layout, 7).find(({ next }) => next !== 0) as { page: number };
    setU32(bytes, page * 512 + NEXT, page);
    const result = readRpmBdb(image(bytes));
    expect(result.packages).toHaveLength(EXPECTED_PACKAGE_COUNT - 1);
    expect(result.problems.map(({ message }) => message)).toEqual([
      expect.stringMatching(
        new RegExp(`^the overflow value on page \\d+ reaches page ${page} a second time \\(a loop in the page chain\\); stopped there$`),
      ),
    ]);
  });

  it("out-of-range page numbers, absurd lengths and bucket counts are reported", () => {
    const farPage = fixtureBytes();
    setU32(farPage, 1 * PAGE + NEXT, 0xfffffff0);
    expect(problems(farPage)).toEqual(["bucket 0 points at page 4294967280, outside the file's 4 pages"]);
    const longValue = fixtureBytes();
    setU32(longValue, DIVE_VALUE_ITEM + 8, 0xffffffff);
    expect(problems(longValue)).toEqual(["the overflow value on page 2 ends after 1324 of its 4294967295 bytes"]);
    const buckets = fixtureBytes();
    setU32(buckets, 72, 0xffffffff);
    const result = readRpmBdb(image(buckets));
    expect(result.packages.map(({ name }) => name)).toEqual(["dive"]);
    expect(result.problems[0]?.message).toBe("the metadata claims 4294967296 buckets in a file of 4 pages");
  });

  it("impossible item counts and offsets on a page are reported", () => {
    const count = fixtureBytes();
    new DataView(count.buffer).setUint16(2 * PAGE + 20, 0xffff, true);
    expect(problems(count)).toEqual(["page 2 claims 65535 items, more than fit on a page"]);
    const offset = fixtureBytes();
    new DataView(offset.buffer).setUint16(2 * PAGE + 26, 3, true);
    expect(problems(offset)).toEqual(["page 2: item 0 is at an impossible offset 3"]);
  });

  it("garbage pages behind a sound metadata page: reported, never thrown, in bounded time", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const bytes = new Uint8Array(64 * 512);
      bytes.set(garbage(bytes.length, seed));
      bytes.set(fixtureBytes().subarray(0, 512));
      setU32(bytes, 20, 512); // page size
      setU32(bytes, 32, 63); // last page
      setU32(bytes, 72, seed * 2); // max bucket
      const started = performance.now();
      expect(() => readRpmBdb(image(bytes))).not.toThrow();
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it("every bucket pointing into one long chain: each page is read once", () => {
    const pages = 20_000;
    const bytes = new Uint8Array(pages * 512);
    bytes.set(fixtureBytes().subarray(0, 512));
    setU32(bytes, 20, 512);
    setU32(bytes, 32, pages - 1);
    setU32(bytes, 72, pages - 2);
    for (let page = 1; page < pages; page++) {
      setU32(bytes, page * 512 + 8, page);
      setU32(bytes, page * 512 + NEXT, page + 1 < pages ? page + 1 : 0);
      bytes[page * 512 + 25] = 13;
    }
    for (let i = 0; i < 32; i++) setU32(bytes, 96 + 4 * i, 1); // every bucket b starts at page b + 1
    const started = performance.now();
    const result = readRpmBdb(image(bytes));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.packages).toEqual([]);
    expect(result.problems[0]?.message).toBe("bucket 1 reaches page 2 a second time (a loop in the page chain); stopped there");
    expect(result.problems).toHaveLength(21); // 20 kept, then one saying there are more
  });
});
