/**
 * The Alpine package database, /lib/apk/db/installed: one `<letter>:<value>` line a field, a blank line
 * between packages. `P:` is the name, `V:` the version, `A:` the architecture; an `F:` line names a
 * directory (relative to the root) and each `R:` line after it a file the package owns in it.
 */
import { resolvePath } from "@/lib/packages/paths";
import { decodeDatabase, linesOf, MAX_PACKAGES, readDatabases, type Report } from "@/lib/packages/text";
import type { CatalogResult, FoundPackage, ImageFiles } from "@/lib/packages/types";

/** apk-tools 3 keeps its database under /usr/lib (with /lib/apk/db a link to it); apk-tools 2 under /lib. */
const DATABASES = ["/lib/apk/db/installed", "/usr/lib/apk/db/installed"];

/** Whether the apk parser needs this image file. */
export function apkWants(path: string): boolean {
  return DATABASES.includes(path);
}

/** The packages the apk database says are installed, each with the files it owns. */
export function readApk(files: ImageFiles): CatalogResult {
  return readDatabases(files, DATABASES, (bytes, db, packages, report) => {
    const text = decodeDatabase(bytes, report);
    if (text !== undefined) readDatabase(text, db, packages, report);
  });
}

interface Entry {
  /** The line it starts on, to name it in problems. */
  line: number;
  name?: string;
  version?: string;
  arch?: string;
  /** The directory `R:` lines are in: the last `F:`, the root before any. */
  directory: string;
  files: Set<string>;
}

function readDatabase(text: string, db: string, packages: FoundPackage[], report: Report): void {
  let entry: Entry | undefined;
  const finish = () => {
    if (entry) addPackage(entry, db, packages, report);
    entry = undefined;
  };
  for (const line of linesOf(text, report)) {
    if (line.text === "") {
      finish();
      if (packages.length >= MAX_PACKAGES) return report(`the catalog already holds ${MAX_PACKAGES} packages: the rest of this database is not read`);
      continue;
    }
    entry ??= { line: line.number, directory: "/", files: new Set() };
    if (line.text[1] !== ":") report(`line ${line.number} is not a "<letter>:<value>" field`);
    // A value cut short would be wrong: a name, a version or a path that is not the package's.
    else if (!line.cut) readField(entry, line.text[0] as string, line.text.slice(2));
  }
  finish();
}

function readField(entry: Entry, letter: string, value: string): void {
  if (letter === "P") entry.name = value;
  else if (letter === "V") entry.version = value;
  else if (letter === "A") entry.arch = value;
  else if (letter === "F") entry.directory = resolvePath("/", value);
  else if (letter === "R") entry.files.add(resolvePath(entry.directory, value));
}

function addPackage({ line, name, version, arch, files }: Entry, db: string, packages: FoundPackage[], report: Report): void {
  if (!name) return report(`the package on line ${line} has no P: (name) field: skipped`);
  if (!version) return report(`the package on line ${line} (${name}) has no V: (version) field: skipped`);
  packages.push({ type: "apk", name, version, ...(arch && { arch }), db, files: [...files] });
}
