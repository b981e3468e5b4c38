/**
 * Installed Python distributions, in any site-packages or dist-packages directory (a virtualenv's, the
 * system's, Debian's dist-packages): `<name>.dist-info/METADATA` with its `RECORD` of owned files (as
 * pip and other wheel installers write them), and `<name>.egg-info`, a directory holding `PKG-INFO` and
 * perhaps `installed-files.txt`, or a single file that is the PKG-INFO itself (older setuptools and
 * distutils). The metadata is RFC 822 headers: `Name:` and `Version:` are read from them.
 */
import { parentDirectory, resolvePath } from "@/lib/packages/paths";
import { decodeDatabase, linesOf, MAX_PACKAGES, reporter, type Report } from "@/lib/packages/text";
import type { CatalogResult, DatabaseProblem, FoundPackage, ImageFiles } from "@/lib/packages/types";

/** `<packages dir>/<name>.dist-info|.egg-info[/<file>]`. */
const METADATA_PATH = /\/(?:site|dist)-packages\/[^/]+\.(dist-info|egg-info)(?:\/([^/]+))?$/;

type Kind = "metadata" | "record" | "installed-files";

/** What each file of a .dist-info or .egg-info is to this parser; a bare `egg-info` is an .egg-info that is a file. */
const KINDS = new Map<string, Kind>([
  ["dist-info/METADATA", "metadata"],
  ["dist-info/RECORD", "record"],
  ["egg-info", "metadata"],
  ["egg-info/PKG-INFO", "metadata"],
  ["egg-info/installed-files.txt", "installed-files"],
]);

function kindOf(path: string): Kind | undefined {
  // Checked first because it is cheap and rules out almost every file of an image.
  if (!path.includes("-packages/")) return undefined;
  const match = METADATA_PATH.exec(path);
  if (!match) return undefined;
  const [, suffix, file] = match;
  return KINDS.get(file === undefined ? `${suffix}` : `${suffix}/${file}`);
}

/** Whether the Python parser needs this image file. */
export function pythonWants(path: string): boolean {
  return kindOf(path) !== undefined;
}

/** The distributions installed in the image's site-packages and dist-packages directories. */
export function readPython(files: ImageFiles): CatalogResult {
  const packages: FoundPackage[] = [];
  const problems: DatabaseProblem[] = [];
  const metadataFiles = [...files.keys()].filter((path) => kindOf(path) === "metadata").sort();
  for (const db of metadataFiles) {
    const report = reporter(problems, db);
    if (packages.length >= MAX_PACKAGES) {
      report(`the catalog already holds ${MAX_PACKAGES} packages: this and later distributions are not read`);
      break;
    }
    const text = decodeDatabase(files.get(db) as Uint8Array, report);
    const found = text === undefined ? undefined : nameAndVersion(text, report);
    if (found) packages.push({ type: "python", ...found, db, ...ownedFiles(db, files, problems) });
  }
  return { packages, problems };
}

/** A Python distribution name (PEP 508): letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit. */
const DISTRIBUTION_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

function nameAndVersion(text: string, report: Report): { name: string; version: string } | undefined {
  const headers = headersOf(text, report);
  const name = headers.get("name");
  const version = headers.get("version");
  if (!name) report("has no Name header: skipped");
  else if (!DISTRIBUTION_NAME.test(name))
    report(`names the distribution ${JSON.stringify(name.slice(0, 80))}, which is no distribution name: skipped`);
  else if (!version) report(`(${name}) has no Version header: skipped`);
  else return { name, version };
  return undefined;
}

/** The Name and Version headers (header names ignore case; the first of each counts). */
function headersOf(text: string, report: Report): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of linesOf(text, report)) {
    if (line.text === "") break; // the headers end at the first empty line: the long description follows
    const colon = line.text.indexOf(":");
    // Continuation lines (folded headers) start with white space; no header that matters here is folded.
    if (line.cut || colon <= 0 || /^\s/.test(line.text)) continue;
    const header = line.text.slice(0, colon).toLowerCase();
    if ((header === "name" || header === "version") && !headers.has(header)) headers.set(header, line.text.slice(colon + 1).trim());
  }
  return headers;
}

// ---------------------------------------------------------------------------------------------------
// Owned files.

/**
 * A .dist-info's RECORD lists paths relative to the packages directory it sits in (`../../../bin/x`
 * for a script); an .egg-info's installed-files.txt lists them relative to the .egg-info itself.
 */
function ownedFiles(metadata: string, files: ImageFiles, problems: DatabaseProblem[]): { files?: string[] } {
  const infoDirectory = parentDirectory(metadata);
  const record = `${infoDirectory}/RECORD`;
  const installedFiles = `${infoDirectory}/installed-files.txt`;
  if (metadata.endsWith("/METADATA") && files.has(record))
    return { files: readPaths(record, files, problems, parentDirectory(infoDirectory), firstCsvField) };
  if (metadata.endsWith("/PKG-INFO") && files.has(installedFiles))
    return { files: readPaths(installedFiles, files, problems, infoDirectory, (line) => line) };
  return {};
}

/** The paths a file lists, one a line (`pathOf` takes it from the line), resolved against `base`. */
function readPaths(
  path: string,
  files: ImageFiles,
  problems: DatabaseProblem[],
  base: string,
  pathOf: (line: string) => string | undefined,
): string[] {
  const report = reporter(problems, path);
  const text = decodeDatabase(files.get(path) as Uint8Array, report);
  const owned = new Set<string>();
  for (const line of text === undefined ? [] : linesOf(text, report)) {
    if (line.cut || line.text === "") continue;
    const listed = pathOf(line.text);
    if (listed) owned.add(resolvePath(base, listed));
    else report(`line ${line.number} names no path`);
  }
  return [...owned];
}

/** The first field of a CSV line: up to the first comma, or quoted (RFC 4180: may hold commas, `""` is a quote). */
function firstCsvField(line: string): string | undefined {
  if (!line.startsWith('"')) return line.split(",", 1)[0];
  const quoted = /^"((?:[^"]|"")*)"(?:,|$)/.exec(line);
  return quoted?.[1]?.replaceAll('""', '"');
}
