import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readApk } from "@/lib/packages/apk";
import { readDpkg } from "@/lib/packages/dpkg";
import type { GoScanResult } from "@/lib/packages/go-buildinfo";
import { inventoryWants, readInventory } from "@/lib/packages/inventory";
import { readMariner } from "@/lib/packages/mariner";
import { readPython } from "@/lib/packages/python";
import { readRpmBdb } from "@/lib/packages/rpm-bdb";
import type { CatalogResult, ImageFiles } from "@/lib/packages/types";
import { fixture, garbage, utf8 } from "@/tests/unit/packages/fixtures";
import { buildRpmRoot, EXPECTED_PACKAGE_COUNT, rpmQueryAll, type RpmQueried } from "@/tests/unit/packages/rpm-oracle";

/** Makes readNpm throw while set, as a parser with a bug would: the inventory must survive it. */
const npmBug = vi.hoisted(() => ({ on: false }));
vi.mock("@/lib/packages/npm", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/packages/npm")>();
  return {
    ...real,
    readNpm: (files: ImageFiles) => {
      if (npmBug.on) throw new Error("a bug");
      return real.readNpm(files);
    },
  };
});

/** Image files from several fixture folders at once, plus `extra`: one image holding all their databases. */
const imageOf = (folders: string[], extra: [string, Uint8Array][] = []): ImageFiles =>
  new Map([...folders.flatMap((folder) => [...fixture(folder, inventoryWants)]), ...extra]);
const summary = ({ packages }: CatalogResult) => packages.map(({ type, name, version }) => `${type} ${name} ${version}`);
const problemDatabases = ({ problems }: CatalogResult) => [...new Set(problems.map(({ db }) => db))];

const APP = "/usr/local/bin/app";
const goApp: GoScanResult = {
  status: "found",
  info: {
    goVersion: "go1.22.1",
    path: "example.com/app/cmd/app",
    main: { path: "example.com/app", version: "v1.0.0" },
    deps: [{ path: "golang.org/x/text", version: "v0.14.0" }],
    settings: [],
  },
  problems: [],
};
const LEFT_PAD: [string, Uint8Array] = ["/app/node_modules/left-pad/package.json", utf8('{"name": "left-pad", "version": "1.3.0"}')];

const FOLDERS = ["deb-mixed", "deb-distroless", "apk", "rpm-manifest", "rpm", "python-mixed"];

describe("inventoryWants: the union of the parsers' wants", () => {
  it("asks for every parser's database files", () => {
    for (const path of [
      "/var/lib/dpkg/status",
      "/var/lib/dpkg/status.d/base-files",
      "/var/lib/dpkg/info/libc6:amd64.list",
      "/lib/apk/db/installed",
      "/var/lib/rpm/Packages",
      "/var/lib/rpm/rpmdb.sqlite",
      "/var/lib/rpmmanifest/container-manifest-2",
      "/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA",
      "/usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD",
      "/app/node_modules/@scope/name/package.json",
    ]) {
      expect(inventoryWants(path), path).toBe(true);
    }
  });

  it("asks for nothing else", () => {
    for (const path of ["/usr/bin/bash", "/etc/os-release", "/var/lib/dpkg/info/libc6.postinst", "/app/package.json", "/var/lib/rpm/Index.db"]) {
      expect(inventoryWants(path), path).toBe(false);
    }
  });
});

describe("readInventory: every source of one image in one list", () => {
  it("lists the packages of dpkg, status.d, apk, the rpm manifest, rpm BDB, Python, npm and Go together, sorted by type, name and version", () => {
    const result = readInventory(imageOf(FOLDERS, [LEFT_PAD]), new Map([[APP, goApp]]));
    expect(result.problems).toEqual([]);
    expect(summary(result)).toEqual([
      "apk bash 5.2.21-r0",
      "apk busybox-binsh 1.36.1-r15",
      "apk musl 1.2.4_git20230717-r4",
      "apk readline 8.2.1-r2",
      "deb apt 1.8.2",
      "deb dash 0.5.8-2.4",
      "deb libsqlite3-0 3.34.1-3",
      "deb netbase 5.4",
      "go example.com/app v1.0.0",
      "go golang.org/x/text v0.14.0",
      "go stdlib go1.22.1",
      "npm left-pad 1.3.0",
      "python Pygments 2.6.1",
      "python requests 2.22.0",
      "python someotherpkg 3.19.0",
      "python somerequests 3.22.0",
      "rpm dive 0.9.2-1",
      "rpm filesystem 1.1-9.cm2",
      "rpm glibc 2.35-2.cm2",
      "rpm mariner-release 2.0-12.cm2",
      "rpm openssl-libs 1.1.1k-15.cm2",
      "rpm vim 2:9.0-1.cm2",
    ]);
  });

  it("keeps each package as its own parser found it (architecture, database, owned files)", () => {
    const files = imageOf(FOLDERS);
    const { packages } = readInventory(files, new Map());
    for (const read of [readDpkg, readApk, readMariner, readRpmBdb, readPython]) {
      expect(packages).toEqual(expect.arrayContaining(read(files).packages));
    }
    expect(packages.find(({ name }) => name === "example.com/app")).toBeUndefined();
  });

  it("orders the same name by version, whichever source came first", () => {
    const older = ["/srv/a/node_modules/left-pad/package.json", utf8('{"name": "left-pad", "version": "1.1.0"}')] as [string, Uint8Array];
    const { packages } = readInventory(new Map([LEFT_PAD, older]), new Map());
    expect(packages.map(({ version, db }) => `${version} ${db}`)).toEqual([`1.1.0 ${older[0]}`, `1.3.0 ${LEFT_PAD[0]}`]);
  });

  it("answers an image with no package database with an empty list, not a problem", () => {
    expect(readInventory(new Map(), new Map([["/bin/sh", { status: "not-executable" }]]))).toEqual({ packages: [], problems: [] });
  });
});

describe("readInventory: a broken source among good ones", () => {
  it("reports the broken databases and Go binary by path and still lists every package of the good ones", () => {
    const brokenSqlite: [string, Uint8Array] = ["/var/lib/rpm/rpmdb.sqlite", garbage(8192)];
    const brokenNpm: [string, Uint8Array] = ["/app/node_modules/broken/package.json", utf8('{"name": "broken", "vers')];
    const goBinaries = new Map<string, GoScanResult>([
      [APP, goApp],
      ["/usr/bin/stripped", { status: "unreadable", problem: "the Go build information is cut off" }],
    ]);
    const result = readInventory(imageOf(["deb-mixed", "apk", "python"], [brokenSqlite, brokenNpm, LEFT_PAD]), goBinaries);
    expect(problemDatabases(result).sort()).toEqual([brokenNpm[0], "/usr/bin/stripped", brokenSqlite[0]].sort());
    expect(summary(result)).toEqual([
      "apk bash 5.2.21-r0",
      "apk busybox-binsh 1.36.1-r15",
      "apk musl 1.2.4_git20230717-r4",
      "apk readline 8.2.1-r2",
      "deb apt 1.8.2",
      "deb dash 0.5.8-2.4",
      "deb netbase 5.4",
      "go example.com/app v1.0.0",
      "go golang.org/x/text v0.14.0",
      "go stdlib go1.22.1",
      "npm left-pad 1.3.0",
      "python Pygments 2.6.1",
      "python requests 2.22.0",
    ]);
  });

  it("reports a parser that throws (a bug) against its first database, and the others still run", () => {
    npmBug.on = true;
    try {
      const result = readInventory(imageOf(["apk"], [LEFT_PAD]), new Map());
      expect(result.problems).toEqual([{ db: LEFT_PAD[0], message: "the npm reader failed (a bug): none of its packages are listed" }]);
      expect(summary(result)).toEqual([
        "apk bash 5.2.21-r0",
        "apk busybox-binsh 1.36.1-r15",
        "apk musl 1.2.4_git20230717-r4",
        "apk readline 8.2.1-r2",
      ]);
    } finally {
      npmBug.on = false;
    }
  });
});

describe("readInventory: rpmdb.sqlite is preferred over a Berkeley DB Packages in the same directory, as rpm does", () => {
  let work: string;
  let sqlite: Uint8Array;
  let oracle: RpmQueried[];
  /** The syft fixture's BDB Packages: one package (dive), none of those in the SQLite database. */
  const berkeley = () => fixture("rpm", inventoryWants).get("/var/lib/rpm/Packages") as Uint8Array;
  const rpmNames = ({ packages }: CatalogResult) => packages.filter(({ type }) => type === "rpm").map(({ name }) => name);
  beforeAll(() => {
    const built = buildRpmRoot();
    work = built.dir;
    sqlite = new Uint8Array(readFileSync(join(built.root, "var/lib/rpm/rpmdb.sqlite")));
    oracle = rpmQueryAll(join(built.root, "var/lib/rpm"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("lists the SQLite database's packages only when a stale Packages sits beside it", () => {
    const files = new Map([
      ["/var/lib/rpm/rpmdb.sqlite", sqlite],
      ["/var/lib/rpm/Packages", berkeley()],
    ]);
    const result = readInventory(files, new Map());
    expect(result.problems).toEqual([]);
    expect(result.packages).toHaveLength(EXPECTED_PACKAGE_COUNT);
    expect(rpmNames(result)).toEqual(oracle.map(({ name }) => name).sort());
    expect(result.packages.every(({ db }) => db === "/var/lib/rpm/rpmdb.sqlite")).toBe(true);
  });

  it("drops the problems of the stale Packages too: rpm never reads it", () => {
    const files = new Map([
      ["/var/lib/rpm/rpmdb.sqlite", sqlite],
      ["/var/lib/rpm/Packages", garbage(4096)],
    ]);
    const result = readInventory(files, new Map());
    expect(result.problems).toEqual([]);
    expect(result.packages).toHaveLength(EXPECTED_PACKAGE_COUNT);
  });

  it("keeps both when they are in different directories", () => {
    const files = new Map([
      ["/usr/lib/sysimage/rpm/rpmdb.sqlite", sqlite],
      ["/var/lib/rpm/Packages", berkeley()],
    ]);
    const result = readInventory(files, new Map());
    expect(result.problems).toEqual([]);
    expect(rpmNames(result)).toEqual([...oracle.map(({ name }) => name), "dive"].sort());
  });

  it("reads the Packages when there is no rpmdb.sqlite beside it", () => {
    expect(summary(readInventory(new Map([["/var/lib/rpm/Packages", berkeley()]]), new Map()))).toEqual(["rpm dive 0.9.2-1"]);
  });
});
