import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRpmSqlite, rpmSqliteWants } from "@/lib/packages/rpm-sqlite";
import type { CatalogResult } from "@/lib/packages/types";
import { prng } from "@/tests/support/random";
import { garbage } from "@/tests/unit/packages/fixtures";
import { buildRpmRoot, EXPECTED_PACKAGE_COUNT, rpmQueryAll, type RpmQueried, expectedAlpha } from "@/tests/unit/packages/rpm-oracle";

const DB = "/var/lib/rpm/rpmdb.sqlite";
const image = (bytes: Uint8Array, wal?: Uint8Array) => new Map([[DB, bytes], ...(wal ? [[`${DB}-wal`, wal] as const] : [])]);
const listed = ({ packages }: CatalogResult) =>
  packages.map(({ name, version, arch, files }) => ({ name, version, ...(arch ? { arch } : {}), files }));
const messages = (result: CatalogResult) => result.problems.map(({ message }) => message);

let work: string;
let database: Uint8Array;
let oracle: RpmQueried[];
beforeAll(() => {
  const built = buildRpmRoot();
  work = built.dir;
  database = new Uint8Array(readFileSync(join(built.root, "var/lib/rpm/rpmdb.sqlite")));
  oracle = rpmQueryAll(join(built.root, "var/lib/rpm"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const PAGE = 4096;
const copy = () => database.slice();
const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
/** rpm creates the Packages table first, so its b-tree is rooted at page 2. */
const ROOT = 2;
const ROOT_START = (ROOT - 1) * PAGE;
/** Overflow pages in the middle of a chain: no b-tree type byte, a next-page number that is not 0. */
const chainedOverflowPages = (bytes: Uint8Array) => {
  const pages: number[] = [];
  for (let page = 2; page * PAGE <= bytes.length; page++) {
    const start = (page - 1) * PAGE;
    if (bytes[start] === 0 && view(bytes).getUint32(start) !== 0) pages.push(page);
  }
  return pages;
};

describe("rpm SQLite: a real database written by rpm, rpm -qa as the oracle", () => {
  it("wants rpmdb.sqlite where rpm ≥ 4.16 keeps it, and its write-ahead log", () => {
    expect(rpmSqliteWants("/var/lib/rpm/rpmdb.sqlite")).toBe(true);
    expect(rpmSqliteWants("/var/lib/rpm/rpmdb.sqlite-wal")).toBe(true);
    expect(rpmSqliteWants("/usr/lib/sysimage/rpm/rpmdb.sqlite")).toBe(true);
    expect(rpmSqliteWants("/var/lib/rpm/rpmdb.sqlite-shm")).toBe(false);
    expect(rpmSqliteWants("/var/lib/rpm/Packages")).toBe(false);
  });

  it("the same packages, versions, architectures, files and order as rpm -qa and rpm -ql", () => {
    expect(database[ROOT_START]).toBe(5); // an interior table page: the table spans several leaves
    expect(chainedOverflowPages(database).length).toBeGreaterThan(0); // beta's header spans pages
    const result = readRpmSqlite(image(database));
    expect(result.problems).toEqual([]);
    expect(result.packages).toHaveLength(EXPECTED_PACKAGE_COUNT);
    expect(listed(result)).toEqual(oracle);
  });

  it("an epoch, files in two directories, many files, an explicit epoch 0 and no files at all", () => {
    const { packages } = readRpmSqlite(image(database));
    const named = (name: string) => packages.find((found) => found.name === name);
    expect(named("porthole-alpha")).toEqual(expectedAlpha(DB));
    expect(named("porthole-beta")?.version).toBe("0.1-1");
    expect(named("porthole-beta")?.files).toHaveLength(301);
    expect(named("porthole-beta")?.files?.at(-1)).toBe("/usr/lib/porthole-beta/file-with-a-longish-name-99.dat");
    expect(named("porthole-gamma")).toEqual({ type: "rpm", name: "porthole-gamma", version: "0:2.0-0.rc1", arch: "noarch", db: DB, files: [] });
    expect(named("porthole-filler-60")?.version).toBe("7:1.2.3-4");
  });

  it("an empty write-ahead log is normal; one with content is reported, the database still read", () => {
    expect(readRpmSqlite(image(database, new Uint8Array(0))).problems).toEqual([]);
    const result = readRpmSqlite(image(database, new Uint8Array(4128)));
    expect(result.packages).toHaveLength(EXPECTED_PACKAGE_COUNT);
    expect(messages(result)).toEqual(["has a write-ahead log of 4128 bytes not yet checkpointed into it: the list may be stale"]);
  });
});

describe("rpm SQLite: hostile and broken files", () => {
  it("not SQLite, an invalid page size, UTF-16 text, no Packages table", () => {
    expect(messages(readRpmSqlite(image(new Uint8Array(50))))).toEqual(["is not an SQLite database"]);
    const pageSize = copy();
    view(pageSize).setUint16(16, 1000);
    expect(messages(readRpmSqlite(image(pageSize)))).toEqual(["has an invalid page size 1000"]);
    const utf16 = copy();
    view(utf16).setUint32(56, 2);
    expect(messages(readRpmSqlite(image(utf16)))).toEqual(["stores text as UTF-16, which rpm never does"]);
    const renamed = copy();
    // The schema row's type, name and table name sit side by side (a copy may linger in free space too).
    const text = new TextDecoder("latin1").decode(renamed);
    for (let at = text.indexOf("tablePackages"); at >= 0; at = text.indexOf("tablePackages", at + 1)) renamed[at + 12] = 0x5a; // "PackageZ"
    expect(messages(readRpmSqlite(image(renamed)))).toEqual(["has no Packages table"]);
  });

  it("a truncated file: what is left is read, the missing pages reported", () => {
    const result = readRpmSqlite(image(database.subarray(0, Math.floor((0.7 * database.length) / PAGE) * PAGE)));
    expect(result.packages.length).toBeGreaterThan(0);
    expect(result.packages.length).toBeLessThan(EXPECTED_PACKAGE_COUNT);
    expect(messages(result)[0]).toMatch(/^is truncated: its header counts \d+ pages, the file holds \d+$/);
    expect(
      messages(result)
        .slice(1)
        .every((message) => /outside the file's \d+ pages/.test(message)),
    ).toBe(true);
  });

  it("a b-tree page that points back at itself is reported and not followed", () => {
    const looped = copy();
    view(looped).setUint32(ROOT_START + 8, ROOT); // the right-most child is the root itself
    const result = readRpmSqlite(image(looped));
    expect(result.packages.length).toBeLessThan(EXPECTED_PACKAGE_COUNT);
    expect(messages(result)).toEqual([`the b-tree of root page ${ROOT} reaches page ${ROOT} a second time (a loop); stopped there`]);
  });

  it("an out-of-range child page and an overflow chain that loops are reported", () => {
    const far = copy();
    view(far).setUint32(ROOT_START + 8, 0x7fffffff);
    expect(messages(readRpmSqlite(image(far)))).toEqual([
      `the b-tree of root page 2 points at page 2147483647, outside the file's ${database.length / PAGE} pages`,
    ]);
    const loop = copy();
    const [page] = chainedOverflowPages(loop);
    view(loop).setUint32(((page as number) - 1) * PAGE, page as number);
    const result = readRpmSqlite(image(loop));
    expect(result.packages.map(({ name }) => name)).not.toContain("porthole-beta");
    expect(messages(result)).toEqual([
      expect.stringMatching(new RegExp(`^row \\d+'s overflow chain reaches page ${page} a second time \\(a loop\\); stopped there$`)),
    ]);
  });

  it("impossible cell counts and offsets are reported", () => {
    const cells = copy();
    view(cells).setUint16(ROOT_START + 3, 0xffff);
    expect(messages(readRpmSqlite(image(cells)))).toEqual(["page 2 claims 65535 cells, more than fit on a page"]);
  });

  it("random corruption: reported, never thrown, in bounded time", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const bytes = copy();
      const random = prng(seed);
      for (let i = 0; i < 32; i++) bytes[random.int(bytes.length)] = random.int(256);
      const started = performance.now();
      expect(() => readRpmSqlite(image(bytes))).not.toThrow();
      expect(performance.now() - started).toBeLessThan(1000);
    }
    const whole = garbage(64 * 1024);
    whole.set(database.subarray(0, 100)); // a sound file header over garbage pages
    expect(() => readRpmSqlite(image(whole))).not.toThrow();
  });
});
