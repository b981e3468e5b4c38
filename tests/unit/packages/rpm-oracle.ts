/**
 * Real rpm databases for the rpm parsers' tests, written by Debian's `rpm` itself, and `rpm -qa` as the
 * oracle. buildRpmRoot builds tiny noarch packages with rpmbuild from specs written here and installs them
 * (database only) into a fresh root, whose rpmdb.sqlite rpm writes. berkeleyPackages turns the same
 * headers (`rpmdb --exportdb`) into a Berkeley DB hash `Packages` with db_load, laid out as rpm < 4.16 kept
 * it; rpm reads that back through its bdb_ro backend, so it is an oracle for those too.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One package as `rpm -qa` tells it, in the shape of FoundPackage. */
export interface RpmQueried {
  name: string;
  version: string;
  arch?: string;
  files: string[];
}

const FILLERS = 60;
const BETA_FILES = 300;

const spec = (lines: string[]) => `${lines.join("\n")}\n`;
const preamble = (name: string, version: string, release: string, epoch?: number) => [
  `Name: ${name}`,
  ...(epoch === undefined ? [] : [`Epoch: ${epoch}`]),
  `Version: ${version}`,
  `Release: ${release}`,
  "Summary: a Porthole test package",
  "License: MIT",
  "BuildArch: noarch",
  "%description",
  "A Porthole test package.",
];

/**
 * alpha: an epoch, files in two directories, and FILLERS empty subpackages (enough rows for SQLite to need
 * interior b-tree pages). beta: no epoch, BETA_FILES files (a header bigger than a page: overflow pages).
 * gamma: an explicit epoch 0, which rpm shows.
 */
const SPECS: Record<string, string> = {
  "alpha.spec": spec([
    ...preamble("porthole-alpha", "1.2.3", "4", 7),
    ...Array.from({ length: FILLERS }, (_, i) => [
      `%package -n porthole-filler-${i + 1}`,
      "Summary: filler",
      `%description -n porthole-filler-${i + 1}`,
      "Filler.",
    ]).flat(),
    "%install",
    "mkdir -p %{buildroot}/usr/share/porthole-alpha %{buildroot}/etc/porthole-alpha",
    "echo one > %{buildroot}/usr/share/porthole-alpha/one.txt",
    "echo two > %{buildroot}/usr/share/porthole-alpha/two.txt",
    "echo conf > %{buildroot}/etc/porthole-alpha/alpha.conf",
    "%files",
    "/usr/share/porthole-alpha",
    "/etc/porthole-alpha/alpha.conf",
    ...Array.from({ length: FILLERS }, (_, i) => `%files -n porthole-filler-${i + 1}`),
  ]),
  "beta.spec": spec([
    ...preamble("porthole-beta", "0.1", "1"),
    "%install",
    "mkdir -p %{buildroot}/usr/lib/porthole-beta %{buildroot}/usr/bin",
    `for i in $(seq 1 ${BETA_FILES}); do echo $i > %{buildroot}/usr/lib/porthole-beta/file-with-a-longish-name-$i.dat; done`,
    "echo beta > %{buildroot}/usr/bin/porthole-beta",
    "%files",
    "/usr/lib/porthole-beta/*",
    "/usr/bin/porthole-beta",
  ]),
  "gamma.spec": spec([...preamble("porthole-gamma", "2.0", "0.rc1", 0), "%files"]),
};

/** What a parser must make of the alpha package the spec above builds, read from the database at `db`. */
export const expectedAlpha = (db: string) => ({
  type: "rpm",
  name: "porthole-alpha",
  version: "7:1.2.3-4",
  arch: "noarch",
  db,
  files: ["/etc/porthole-alpha/alpha.conf", "/usr/share/porthole-alpha", "/usr/share/porthole-alpha/one.txt", "/usr/share/porthole-alpha/two.txt"],
});

export const EXPECTED_PACKAGE_COUNT = 1 + FILLERS + 1 + 1;

const run = (command: string, args: string[]) =>
  execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });

/** A temp dir holding `root/`, an image root whose rpm database (SQLite) lists the packages above. */
export function buildRpmRoot(): { dir: string; root: string } {
  const dir = mkdtempSync(join(tmpdir(), "porthole-rpm-"));
  const top = join(dir, "rpmbuild");
  for (const [name, text] of Object.entries(SPECS)) {
    writeFileSync(join(dir, name), text);
    run("rpmbuild", ["-bb", "--quiet", "--define", `_topdir ${top}`, "--define", "debug_package %{nil}", join(dir, name)]);
  }
  const rpmDir = join(top, "RPMS", "noarch");
  const rpms = readdirSync(rpmDir).map((name) => join(rpmDir, name));
  const root = join(dir, "root");
  mkdirSync(root);
  run("rpm", [
    ...["--root", root, "--dbpath", "/var/lib/rpm", "--define", "_db_backend sqlite"],
    ...["-i", "--justdb", "--nodeps", "--ignorearch", ...rpms],
  ]);
  return { dir, root };
}

/** `rpm -qa` over the database in `dbPath` (an absolute path on this machine): packages in rpm's order, with their files. */
export function rpmQueryAll(dbPath: string): RpmQueried[] {
  const query = (format: string) => run("rpm", ["--dbpath", dbPath, "-qa", "--qf", format]);
  const packages = query("%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\n")
    .split("\n")
    .filter(Boolean)
    .map((line): Omit<RpmQueried, "files"> => {
      const [name = "", version = "", arch = ""] = line.split("\t");
      return arch === "(none)" ? { name, version } : { name, version, arch };
    });
  // One line a file, each with its package's name (%{=NAME} repeats it along the file array).
  const files = new Map<string, string[]>();
  for (const line of query("[%{=NAME}\\t%{FILENAMES}\\n]").split("\n").filter(Boolean)) {
    const [name = "", path = ""] = line.split("\t");
    files.set(name, [...(files.get(name) ?? []), path]);
  }
  return packages.map((found) => ({ ...found, files: files.get(found.name) ?? [] }));
}

/** The database's headers as `rpmdb --exportdb` writes them, each without the 8-byte header magic. */
export function exportedHeaders(root: string): Uint8Array[] {
  const exported = new Uint8Array(execFileSync("rpmdb", ["--root", root, "--dbpath", "/var/lib/rpm", "--exportdb"], { maxBuffer: 64 << 20 }));
  const view = new DataView(exported.buffer, exported.byteOffset, exported.byteLength);
  const headers: Uint8Array[] = [];
  for (let at = 0; at < exported.length;) {
    const size = 16 + 16 * view.getUint32(at + 8) + view.getUint32(at + 12);
    headers.push(exported.slice(at + 8, at + size));
    at += size;
  }
  return headers;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/**
 * How db_load lays the hash out. `fillFactor`: keys per bucket before the table grows (1: about a bucket
 * a key). `collide`: header numbers picked so their hashes share their low 6 bits, which keeps them in
 * one bucket however the table grows, so that bucket becomes a chain of pages.
 */
export interface BerkeleyLayout {
  pageSize: number;
  bigEndian: boolean;
  fillFactor?: number;
  collide?: boolean;
}

/** Berkeley DB's default hash (FNV-1, 32 bits), as rpm's bdb_ro also computes it. */
function bdbHash(key: Uint8Array): number {
  let hash = 0;
  for (const byte of key) hash = (Math.imul(hash, 16777619) ^ byte) >>> 0;
  return hash;
}

/**
 * A Berkeley DB hash `Packages` in `dir` holding `headers` under header numbers (1, 2, … unless
 * colliding) and rpm's counter under 0, written by db_load with the given layout.
 */
export function berkeleyPackages(dir: string, headers: Uint8Array[], layout: BerkeleyLayout): string {
  mkdirSync(dir, { recursive: true });
  const key = (value: number) => {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value, !layout.bigEndian);
    return bytes;
  };
  const keys: Uint8Array[] = [];
  for (let n = 1; keys.length < headers.length; n++) {
    if (!layout.collide || (bdbHash(key(n)) & 63) === 0) keys.push(key(n));
  }
  const records = [[key(0), key(headers.length + 1)], ...headers.map((header, i) => [keys[i] as Uint8Array, header])];
  const dump = [
    "VERSION=3",
    "format=bytevalue",
    "type=hash",
    `db_pagesize=${layout.pageSize}`,
    `db_lorder=${layout.bigEndian ? 4321 : 1234}`,
    ...(layout.fillFactor ? [`h_ffactor=${layout.fillFactor}`] : []),
    "HEADER=END",
    ...records.flatMap(([k, value]) => [` ${hex(k as Uint8Array)}`, ` ${hex(value as Uint8Array)}`]),
    "DATA=END",
  ].join("\n");
  const path = join(dir, "Packages");
  execFileSync("db5.3_load", [path], { input: `${dump}\n`, stdio: ["pipe", "pipe", "pipe"] });
  return path;
}
