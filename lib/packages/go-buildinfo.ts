/**
 * The Go build information format (Go ≥ 1.18), as the linker writes it: a 32-byte header, 16-byte
 * aligned in the file, starting with "\xff Go buildinf:", then a pointer-size byte, a flags byte (bit 1:
 * the strings follow inline) and zero padding; then two strings, each a uvarint length and its bytes: the
 * Go version and the module information. The module information is wrapped in two 16-byte sentinels and
 * holds tab-separated lines (`path`, `mod`, `dep`, `=>` for a replacement of the line before,
 * `build key=value`). Older Go wrote pointers into the data segment instead; reading those needs the whole
 * binary, so it is reported as unsupported. Finding the header in a stream is go.ts's job.
 *
 * As packages (see goPackages), the Go version becomes a package of its own named `stdlib` (as syft and
 * Trivy report it, so vulnerability data for the standard library matches), version as Go writes it
 * (`go1.22.1`).
 */
import type { CatalogResult, FoundPackage } from "@/lib/packages/types";

/** "\xff Go buildinf:" as bytes (a string literal would be UTF-8 encoded, \xff becoming two bytes). */
export const MAGIC = Uint8Array.of(0xff, ...new TextEncoder().encode(" Go buildinf:"));
export const HEADER_SIZE = 32;
const FLAG_BIG_ENDIAN = 1;
const FLAG_INLINE_STRINGS = 2;
const MAX_VERSION_BYTES = 1024;
/** Real module info is a few KB (tens for hundreds of dependencies): more than this is not read. */
export const MAX_MODULE_INFO_BYTES = 1024 * 1024;
/** Module info is framed by two 16-byte sentinels (cmd/go's modload). */
const SENTINEL_SIZE = 16;

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: GoModule;
}

export interface GoBuildInfo {
  /** As Go writes it: `go1.22.1`, `devel go1.23-…`. */
  goVersion: string;
  /** The main package's import path. */
  path: string;
  /** Absent for binaries built outside a module (GOPATH mode, the toolchain's own commands). */
  main?: GoModule;
  deps: GoModule[];
  settings: { key: string; value: string }[];
}

export type GoScanResult =
  | { status: "not-executable" }
  | { status: "no-build-info" }
  | { status: "found"; info: GoBuildInfo; problems: string[] }
  | { status: "unreadable"; problem: string };

/** What a window after a marker holds so far: too little yet, not build info after all, or the answer. */
type Decoded = { need: number } | Rejected | { result: GoScanResult };
/** `strong`: the header was sound, so the marker was most likely real and the reason is worth reporting. */
export type Rejected = { rejected: string; strong: boolean };

/** Decodes the header and the two inline strings after a marker, asking for more bytes as it learns their lengths. */
export function decodeBuildInfo(window: Uint8Array): Decoded {
  if (window.length < HEADER_SIZE) return { need: HEADER_SIZE };
  const pointerSize = window[MAGIC.length];
  const flags = window[MAGIC.length + 1] as number;
  if ((pointerSize !== 4 && pointerSize !== 8) || (flags & ~(FLAG_BIG_ENDIAN | FLAG_INLINE_STRINGS)) !== 0) {
    return { rejected: "has an impossible header", strong: false };
  }
  if ((flags & FLAG_INLINE_STRINGS) === 0) {
    return {
      result: { status: "unreadable", problem: "was built by Go older than 1.18, whose build information (pointers into the binary) is not read" },
    };
  }
  if (window.subarray(MAGIC.length + 2, HEADER_SIZE).some((byte) => byte !== 0))
    return { rejected: "has a header without its padding", strong: false };
  const version = inlineString(window, HEADER_SIZE, MAX_VERSION_BYTES, "Go version");
  if (!("bytes" in version)) return version;
  const moduleInfo = inlineString(window, version.next, MAX_MODULE_INFO_BYTES, "module information");
  if (!("bytes" in moduleInfo)) return moduleInfo;
  const goVersion = utf8.decode(version.bytes);
  if (!/^(go\d|devel )/.test(goVersion)) return { rejected: `names the Go version "${shown(goVersion)}"`, strong: true };
  const { info, problems } = parseModuleInfo(goVersion, utf8.decode(unwrapSentinels(moduleInfo.bytes)));
  return { result: { status: "found", info, problems } };
}

const utf8 = new TextDecoder("utf-8");

/** A value quoted in a problem, cut short: hostile bytes can be long. */
const shown = (value: string) => (value.length > 64 ? `${value.slice(0, 64)}…` : value);

/** A uvarint length and that many bytes, at `at`. */
function inlineString(window: Uint8Array, at: number, max: number, what: string): { bytes: Uint8Array; next: number } | { need: number } | Rejected {
  let length = 0;
  for (let i = 0; i < 10; i++) {
    const byte = window[at + i];
    if (byte === undefined) return { need: at + i + 1 };
    length += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) {
      if (length > max) return { rejected: `claims ${length} bytes of ${what}, more than the ${max} read`, strong: true };
      const start = at + i + 1;
      if (window.length < start + length) return { need: start + length };
      return { bytes: window.subarray(start, start + length), next: start + length };
    }
  }
  return { rejected: `has an impossible length for its ${what}`, strong: true };
}

/** cmd/go frames the module information with 16-byte sentinels; what lacks them holds none (as debug/buildinfo reads it). */
function unwrapSentinels(bytes: Uint8Array): Uint8Array {
  const framed = bytes.length > 2 * SENTINEL_SIZE && bytes[bytes.length - SENTINEL_SIZE - 1] === 0x0a;
  return framed ? bytes.subarray(SENTINEL_SIZE, bytes.length - SENTINEL_SIZE) : new Uint8Array(0);
}

const MAX_INFO_PROBLEMS = 20;

/** The module information's lines, as debug.ParseBuildInfo reads them; a malformed line is reported and skipped. */
function parseModuleInfo(goVersion: string, text: string): { info: GoBuildInfo; problems: string[] } {
  const info: GoBuildInfo = { goVersion, path: "", deps: [], settings: [] };
  const problems: string[] = [];
  /** The module a `=>` line replaces: the `mod` or `dep` line just before it. */
  let replaceable: GoModule | undefined;
  for (const [index, line] of text.split("\n").entries()) {
    if (line === "") continue;
    const tab = line.indexOf("\t");
    const kind = tab < 0 ? line : line.slice(0, tab);
    const rest = tab < 0 ? "" : line.slice(tab + 1);
    const problem = readLine(info, kind, rest, replaceable);
    if (problem && problems.length < MAX_INFO_PROBLEMS) problems.push(`build information line ${index + 1} ${problem}`);
    const addedModule = !problem && (kind === "mod" || kind === "dep");
    replaceable = addedModule ? (kind === "mod" ? info.main : info.deps.at(-1)) : undefined;
  }
  return { info, problems };
}

/** Adds one line's content to `info`; returns what is wrong with the line, if anything. */
function readLine(info: GoBuildInfo, kind: string, rest: string, replaceable: GoModule | undefined): string | undefined {
  if (kind === "path") {
    info.path = rest;
    return undefined;
  }
  if (kind === "build") {
    const setting = settingOf(rest);
    if (!setting) return 'is a build setting without "="';
    info.settings.push(setting);
    return undefined;
  }
  const listed = kind === "mod" || kind === "dep" || kind === "=>" ? moduleOf(rest) : undefined;
  if (!listed) return "is not a path, module or build setting line: skipped";
  if (kind === "mod") info.main = listed;
  else if (kind === "dep") info.deps.push(listed);
  else if (replaceable) replaceable.replace = listed;
  else return "replaces no module: skipped";
  return undefined;
}

/** `path<TAB>version[<TAB>sum]`. */
function moduleOf(rest: string): GoModule | undefined {
  const [path, version, sum, ...extra] = rest.split("\t");
  if (!path || version === undefined || extra.length > 0) return undefined;
  return sum ? { path, version, sum } : { path, version };
}

/** `key=value`, either side Go-quoted when it holds spaces, quotes or `=` (strconv.Quote, read as JSON). */
function settingOf(rest: string): { key: string; value: string } | undefined {
  const keyEnd = rest.startsWith('"') ? quotedEnd(rest) : rest.indexOf("=");
  if (keyEnd < 0 || rest[keyEnd] !== "=") return undefined;
  return { key: unquote(rest.slice(0, keyEnd)), value: unquote(rest.slice(keyEnd + 1)) };
}

/** The index just past the quoted string that opens `text`, or -1. */
function quotedEnd(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i + 1;
  }
  return -1;
}

function unquote(text: string): string {
  if (!text.startsWith('"')) return text;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "string" ? value : text;
  } catch {
    return text; // Go escapes JSON lacks (\x, \a…): kept as written
  }
}

/**
 * The packages of one binary's build information: the main module (owning the binary), each dependency
 * (its replacement's path and version when replaced; a local directory has no version, which newer Go
 * writes as `(devel)` and older Go leaves empty: both are `(devel)` here), and the standard library as
 * `stdlib` at the Go version.
 */
function goPackages(binary: string, info: GoBuildInfo): FoundPackage[] {
  const go = (name: string, version: string): FoundPackage => ({ type: "go", name, version, db: binary });
  const packages: FoundPackage[] = [];
  if (info.main) packages.push({ ...go(info.main.path, info.main.version), files: [binary] });
  for (const dep of info.deps) {
    const used = dep.replace ?? dep;
    packages.push(go(used.path, used.version || "(devel)"));
  }
  packages.push(go("stdlib", info.goVersion));
  return packages;
}

/** A scan's answer as a catalog of the binary at `binary`. */
export function goCatalog(binary: string, result: GoScanResult): CatalogResult {
  if (result.status === "found") {
    return { packages: goPackages(binary, result.info), problems: result.problems.map((message) => ({ db: binary, message })) };
  }
  return { packages: [], problems: result.status === "unreadable" ? [{ db: binary, message: result.problem }] : [] };
}
