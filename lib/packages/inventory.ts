/**
 * The whole inventory of an image: every package-database parser run over the files the layer pass
 * captured, plus the Go binaries its scanner found, in one list. Each parser reports its own problems and
 * never throws; should one throw all the same (a bug), that is reported as a problem and the others still
 * run, so one source never takes down the rest.
 */
import { comparePaths } from "@/lib/core/paths";
import { apkWants, readApk } from "@/lib/packages/apk";
import { dpkgWants, readDpkg } from "@/lib/packages/dpkg";
import { goCatalog, type GoScanResult } from "@/lib/packages/go-buildinfo";
import { marinerWants, readMariner } from "@/lib/packages/mariner";
import { npmWants, readNpm } from "@/lib/packages/npm";
import { parentDirectory } from "@/lib/packages/paths";
import { pythonWants, readPython } from "@/lib/packages/python";
import { readRpmBdb, rpmBdbWants } from "@/lib/packages/rpm-bdb";
import { readRpmSqlite, rpmSqliteWants } from "@/lib/packages/rpm-sqlite";
import type { CatalogResult, FoundPackage, ImageFiles } from "@/lib/packages/types";

interface Parser {
  /** Names the parser in a problem when it fails as a whole. */
  name: string;
  wants: (path: string) => boolean;
  read: (files: ImageFiles) => CatalogResult;
}

/** The cheapest `wants` first: inventoryWants runs for every regular file of every layer. */
const PARSERS: readonly Parser[] = [
  { name: "apk", wants: apkWants, read: readApk },
  { name: "rpm (Berkeley DB)", wants: rpmBdbWants, read: readRpmBdb },
  { name: "rpm (SQLite)", wants: rpmSqliteWants, read: readRpmSqlite },
  { name: "rpm manifest", wants: marinerWants, read: readMariner },
  { name: "dpkg", wants: dpkgWants, read: readDpkg },
  { name: "npm", wants: npmWants, read: readNpm },
  { name: "Python", wants: pythonWants, read: readPython },
];

const RPM_SQLITE = "rpmdb.sqlite";
const RPM_BERKELEY = "Packages";

/** Whether any package-database parser needs this image file's bytes. */
export function inventoryWants(path: string): boolean {
  return PARSERS.some((parser) => parser.wants(path));
}

/**
 * Every package the image's databases and Go binaries (path → the scanner's result) name, sorted by
 * type, name and version, with every problem met on the way.
 */
export function readInventory(files: ImageFiles, goBinaries: ReadonlyMap<string, GoScanResult>): CatalogResult {
  const catalogs = [...PARSERS.map((parser) => readGuarded(parser, files)), ...goCatalogs(goBinaries)];
  const superseded = supersededDatabases(files);
  const current = (entry: { db: string }) => !superseded.has(entry.db);
  return {
    packages: catalogs
      .flatMap((catalog) => catalog.packages)
      .filter(current)
      .sort(comparePackages),
    problems: catalogs.flatMap((catalog) => catalog.problems).filter(current),
  };
}

function readGuarded(parser: Parser, files: ImageFiles): CatalogResult {
  try {
    return parser.read(files);
  } catch (error) {
    const db = [...files.keys()].filter(parser.wants).sort(comparePaths)[0] ?? parser.name;
    const message = `the ${parser.name} reader failed (${error instanceof Error ? error.message : String(error)}): none of its packages are listed`;
    return { packages: [], problems: [{ db, message }] };
  }
}

/** In path order, so the problems come out the same whatever order the binaries were found in. */
function goCatalogs(goBinaries: ReadonlyMap<string, GoScanResult>): CatalogResult[] {
  return [...goBinaries].sort(([a], [b]) => comparePaths(a, b)).map(([binary, result]) => goCatalog(binary, result));
}

/**
 * Databases whose packages and problems are left out because the image holds a newer copy of the same
 * one. A Berkeley DB `Packages` beside an `rpmdb.sqlite` is what a conversion to SQLite (rpm ≥ 4.16,
 * `rpmdb --rebuilddb`) may leave behind: rpm reads the SQLite one, so the old one is stale.
 */
function supersededDatabases(files: ImageFiles): Set<string> {
  const superseded = new Set<string>();
  for (const path of files.keys()) {
    if (path.endsWith(`/${RPM_SQLITE}`) && rpmSqliteWants(path)) superseded.add(`${parentDirectory(path)}/${RPM_BERKELEY}`);
  }
  return superseded;
}

/** Type, name, version; then architecture and database, so equal entries from two sources keep one order. */
function comparePackages(a: FoundPackage, b: FoundPackage): number {
  return (
    comparePaths(a.type, b.type) ||
    comparePaths(a.name, b.name) ||
    comparePaths(a.version, b.version) ||
    comparePaths(a.arch ?? "", b.arch ?? "") ||
    comparePaths(a.db, b.db)
  );
}
