/**
 * npm packages installed in node_modules directories: `node_modules/<name>/package.json` and
 * `node_modules/@<scope>/<name>/package.json`, at any depth (a package's own node_modules holds what
 * could not be hoisted; pnpm's node_modules/.pnpm/<id>/node_modules/<name> too). A package.json
 * anywhere else is not an installed package: a project's own, or one inside a package's folders (a
 * test fixture, a `{"type": "module"}` marker).
 */
import { decodeDatabase, MAX_PACKAGES, reporter, type Report } from "@/lib/packages/text";
import type { CatalogResult, DatabaseProblem, FoundPackage, ImageFiles } from "@/lib/packages/types";

/** A package folder's name does not start with `.` (.bin, .pnpm, .cache) and only a scope's with `@`. */
const PACKAGE_JSON = /\/node_modules\/(?:@[^/]+\/)?[^/@.][^/]*\/package\.json$/;

/** Installed package.json files are small; older npm copied the README in, so allow for a long one. */
const MAX_PACKAGE_JSON_BYTES = 8 * 1024 * 1024;
/** npm's own limit on a name; a version this long is no version. */
const MAX_NAME_CHARS = 214;
const MAX_VERSION_CHARS = 256;

/** Whether the npm parser needs this image file. */
export function npmWants(path: string): boolean {
  return path.endsWith("/package.json") && PACKAGE_JSON.test(path);
}

/** The packages installed in the image's node_modules directories. */
export function readNpm(files: ImageFiles): CatalogResult {
  const packages: FoundPackage[] = [];
  const problems: DatabaseProblem[] = [];
  for (const db of [...files.keys()].filter(npmWants).sort()) {
    const report = reporter(problems, db);
    if (packages.length >= MAX_PACKAGES) {
      report(`the catalog already holds ${MAX_PACKAGES} packages: this and later package.json files are not read`);
      break;
    }
    const text = decodeDatabase(files.get(db) as Uint8Array, report, MAX_PACKAGE_JSON_BYTES);
    const found = text === undefined ? undefined : nameAndVersion(text, report);
    if (found) packages.push({ type: "npm", ...found, db });
  }
  return { packages, problems };
}

/** The package.json's name and version; undefined, and silently, when it lacks either (a private or workspace package). */
function nameAndVersion(text: string, report: Report): { name: string; version: string } | undefined {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    report(`is not JSON (${(error as Error).message.slice(0, 200)}): skipped`);
    return undefined;
  }
  if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) {
    report("is not a JSON object: skipped");
    return undefined;
  }
  const { name, version } = manifest as Record<string, unknown>;
  if (name === undefined || version === undefined) return undefined;
  if (!isWord(name, MAX_NAME_CHARS)) report(`has the name ${JSON.stringify(name).slice(0, 80)}, which is no package name: skipped`);
  else if (!isWord(version, MAX_VERSION_CHARS))
    report(`(${name}) has the version ${JSON.stringify(version).slice(0, 80)}, which is no version: skipped`);
  else return { name, version };
  return undefined;
}

/** A non-empty string of at most `max` characters with no white space in it. */
const isWord = (value: unknown, max: number): value is string => typeof value === "string" && value.length <= max && /^\S+$/.test(value);
