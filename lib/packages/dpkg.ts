/**
 * The Debian package database: /var/lib/dpkg/status, which dpkg keeps, and the status.d/<name> files
 * distroless images carry instead (one or more stanzas each, usually without a Status field, since
 * whatever is listed there is installed). Both are read when both exist. Owned files come from
 * info/<package>[:<arch>].list, the .md5sums files and the Conffiles field.
 */
import { resolvePath } from "@/lib/packages/paths";
import { decodeDatabase, linesOf, MAX_PACKAGES, reporter, type Report } from "@/lib/packages/text";
import type { CatalogResult, DatabaseProblem, FoundPackage, ImageFiles } from "@/lib/packages/types";

const DPKG = "/var/lib/dpkg/";
const STATUS = "/var/lib/dpkg/status";
const STATUS_D = "/var/lib/dpkg/status.d/";
const INFO = "/var/lib/dpkg/info/";

/** What dpkg keeps beside a package's stanza (maintainer scripts, file lists, symbols…): not stanzas. */
const CONTROL_FILE = /\.(?:md5sums|list|conffiles|preinst|postinst|prerm|postrm|config|templates|triggers|shlibs|symbols)$/;

const isDirectChild = (path: string, dir: string) => path.length > dir.length && path.startsWith(dir) && !path.includes("/", dir.length);
const isStatusDStanzas = (path: string) => isDirectChild(path, STATUS_D) && !CONTROL_FILE.test(path);

/** Whether the dpkg parser needs this image file. Called for every file of every layer, so string tests only. */
export function dpkgWants(path: string): boolean {
  if (!path.startsWith(DPKG)) return false;
  if (path === STATUS) return true;
  if (isDirectChild(path, INFO)) return path.endsWith(".list") || path.endsWith(".md5sums");
  return isDirectChild(path, STATUS_D) && (path.endsWith(".md5sums") || !CONTROL_FILE.test(path));
}

/** The packages the dpkg database says are installed, with the files each owns where it records them. */
export function readDpkg(files: ImageFiles): CatalogResult {
  const packages: FoundPackage[] = [];
  const problems: DatabaseProblem[] = [];
  const databases = [STATUS, ...[...files.keys()].filter(isStatusDStanzas).sort()];
  for (const db of databases) {
    const bytes = files.get(db);
    if (!bytes) continue;
    const report = reporter(problems, db);
    const text = decodeDatabase(bytes, report);
    if (text === undefined) continue;
    // dpkg's own status file lists removed packages too; a status.d stanza is there because it is installed.
    const statusRequired = db === STATUS;
    for (const stanza of stanzasOf(text, report)) {
      if (packages.length >= MAX_PACKAGES) {
        report(`the catalog already holds ${MAX_PACKAGES} packages: the rest of this database is not read`);
        break;
      }
      const control = installedControl(stanza, statusRequired, report);
      if (control) packages.push(foundPackage(control, db, files, problems, report));
    }
  }
  return { packages, problems };
}

// ---------------------------------------------------------------------------------------------------
// Stanzas (deb822: `Field: value` lines, continuation lines start with a space or tab, blank lines
// between stanzas).

/** The fields this parser uses. Others are skipped without being kept: a Description can be long. */
const USED_FIELDS = new Set(["package", "version", "architecture", "status", "conffiles"]);
const FIELD = /^([^\s:]+):(.*)$/;

interface Stanza {
  /** The line it starts on, to name it in problems. */
  line: number;
  /** USED_FIELDS by lowercase name (deb822 field names ignore case), continuation lines joined by "\n". */
  fields: Map<string, string>;
}

function* stanzasOf(text: string, report: Report): Generator<Stanza> {
  let stanza: Stanza | undefined;
  /** The used field a continuation line extends; undefined while in a field that is skipped. */
  let field: string | undefined;
  for (const line of linesOf(text, report)) {
    // Debian policy lets parsers take a line of only spaces and tabs as a separator too.
    if (line.text.trim() === "") {
      if (stanza) yield stanza;
      stanza = field = undefined;
    } else if (line.text.startsWith(" ") || line.text.startsWith("\t")) {
      if (!stanza) report(`line ${line.number} continues a field, but no field came before it`);
      else if (field !== undefined && !line.cut) stanza.fields.set(field, `${stanza.fields.get(field)}\n${line.text.trim()}`);
    } else {
      stanza ??= { line: line.number, fields: new Map() };
      const started = startField(stanza, line.text, line.cut);
      if (started === null) report(`line ${line.number} is neither a field nor a continuation line`);
      field = started ?? undefined;
    }
  }
  if (stanza) yield stanza;
}

/**
 * Records the field `text` starts when it is a used one and returns its name, undefined for a field to
 * skip (unused, repeated, or cut short, whose value would be wrong), null when `text` is no field.
 */
function startField(stanza: Stanza, text: string, cut: boolean): string | undefined | null {
  const match = FIELD.exec(text);
  if (!match) return null;
  const name = (match[1] as string).toLowerCase();
  if (!USED_FIELDS.has(name) || cut || stanza.fields.has(name)) return undefined;
  stanza.fields.set(name, (match[2] as string).trim());
  return name;
}

// ---------------------------------------------------------------------------------------------------
// From a stanza to a package.

/** dpkg's Status is `<want> <error flag> <state>`; a stanza whose Status is anything else is broken. */
const WANTS = new Set(["unknown", "install", "hold", "deinstall", "purge"]);
const ERROR_FLAGS = new Set(["ok", "reinstreq"]);
const STATES = new Set([
  "not-installed",
  "config-files",
  "half-installed",
  "unpacked",
  "half-configured",
  "triggers-awaited",
  "triggers-pending",
  "installed",
]);

/** dpkg's rules: a name starts with a letter or digit; a version is `[epoch:]upstream[-revision]` of these characters. */
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9+._-]*$/;
const VERSION = /^[A-Za-z0-9.+~:-]+$/;

interface Control {
  name: string;
  version: string;
  arch?: string;
  conffiles?: string;
}

/** The stanza's package when the stanza says it is installed; a broken stanza is reported. */
function installedControl(stanza: Stanza, statusRequired: boolean, report: Report): Control | undefined {
  const status = stanza.fields.get("status");
  if (status === undefined ? statusRequired : !isInstalled(status, stanza.line, report)) return undefined;
  const name = stanza.fields.get("package");
  const version = stanza.fields.get("version");
  const skip = (why: string) => {
    report(`the stanza on line ${stanza.line} ${why}: skipped`);
    return undefined;
  };
  if (!name) return skip("has no Package field");
  if (!PACKAGE_NAME.test(name)) return skip(`names its package ${quote(name)}, which is no dpkg package name`);
  if (!version) return skip(`(${name}) has no Version field`);
  if (!VERSION.test(version)) return skip(`(${name}) has the version ${quote(version)}, which is no dpkg version`);
  const arch = stanza.fields.get("architecture") || undefined;
  return { name, version, arch, conffiles: stanza.fields.get("conffiles") };
}

/** Installed means unpacked and configured: dpkg's `installed` state, whatever the selection (`hold`, `deinstall`) says. */
function isInstalled(status: string, line: number, report: Report): boolean {
  const [want = "", flag = "", state = "", ...rest] = status.split(/\s+/);
  if (WANTS.has(want) && ERROR_FLAGS.has(flag) && STATES.has(state) && rest.length === 0) return state === "installed";
  report(`the stanza on line ${line} has the Status ${quote(status)}, which dpkg does not write: skipped`);
  return false;
}

const quote = (value: string) => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

function foundPackage(control: Control, db: string, files: ImageFiles, problems: DatabaseProblem[], report: Report): FoundPackage {
  const { name, version, arch } = control;
  const owned = ownedFiles(files, control, problems, report);
  return { type: "deb", name, version, ...(arch && { arch }), db, ...(owned && { files: owned }) };
}

// ---------------------------------------------------------------------------------------------------
// Owned files.

/**
 * What the database records as the package's files, in order: its .list (what `dpkg -L` prints), its
 * .md5sums (all a distroless image has), then its conffiles. Undefined when it records none of them.
 */
function ownedFiles(files: ImageFiles, control: Control, problems: DatabaseProblem[], report: Report): string[] | undefined {
  const { name, arch, conffiles } = control;
  const sources = [
    [infoFile(files, name, arch, ".list"), addListed],
    [infoFile(files, name, arch, ".md5sums"), addSummed],
    [`${STATUS_D}${name}.md5sums`, addSummed],
  ] as const;
  const owned = new Set<string>();
  let recorded = conffiles !== undefined;
  for (const [path, add] of sources) {
    const bytes = files.get(path);
    if (!bytes) continue;
    recorded = true;
    const reportForFile = reporter(problems, path);
    const text = decodeDatabase(bytes, reportForFile);
    if (text !== undefined) add(owned, text, reportForFile);
  }
  if (conffiles) addConffiles(owned, conffiles, report);
  // "/." opens every .list: that a package owns the root says nothing.
  owned.delete("/");
  return recorded ? [...owned] : undefined;
}

/** info/<name>:<arch><suffix> for a Multi-Arch: same package, info/<name><suffix> for the others. */
function infoFile(files: ImageFiles, name: string, arch: string | undefined, suffix: string): string {
  const qualified = `${INFO}${name}:${arch}${suffix}`;
  return arch && files.has(qualified) ? qualified : `${INFO}${name}${suffix}`;
}

/** A .list: one absolute path a line. */
function addListed(owned: Set<string>, text: string, report: Report): void {
  for (const line of linesOf(text, report)) {
    if (line.cut || line.text === "") continue;
    if (line.text.startsWith("/")) owned.add(resolvePath("/", line.text));
    else report(`line ${line.number} is not an absolute path`);
  }
}

const MD5SUM_LINE = /^[0-9a-fA-F]{32} [ *](.+)$/;

/** A .md5sums: `<md5>  <path relative to the root>` a line, as md5sum(1) writes it. */
function addSummed(owned: Set<string>, text: string, report: Report): void {
  for (const line of linesOf(text, report)) {
    if (line.cut || line.text === "") continue;
    const path = MD5SUM_LINE.exec(line.text)?.[1];
    if (path !== undefined) owned.add(resolvePath("/", path));
    else report(`line ${line.number} is not "<md5>  <path>"`);
  }
}

/** Conffiles lines: `<absolute path> <md5>[ obsolete| remove-on-upgrade]`; the path may hold spaces. */
function addConffiles(owned: Set<string>, conffiles: string, report: Report): void {
  for (const line of conffiles.split("\n")) {
    if (line === "") continue; // the field's first line: its value starts on the next
    const words = line.split(" ");
    if (words.at(-1) === "obsolete" || words.at(-1) === "remove-on-upgrade") words.pop();
    words.pop(); // the md5
    const path = words.join(" ");
    if (path.startsWith("/")) owned.add(resolvePath("/", path));
    else report(`the Conffiles line ${quote(line)} does not start with an absolute path`);
  }
}
