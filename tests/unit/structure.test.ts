/**
 * Structure rules, checked on the real import graph (parsed with the TypeScript compiler API, `@/…`
 * resolved through tsconfig `paths`). Each rule is its own test, and each failure names the file, the
 * line and — for reachability rules — the whole import chain, so it says what to change.
 *
 * Edges: value imports only (`import`, side-effect `import "x"`, `export … from`, `import()` and
 * `import x = require()`). `import type`, `export type` and imports whose every name is `type` are
 * erased by the compiler and ignored — except by the lib/core rule, where a type import still ties the
 * core to what it names.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

// ---------------------------------------------------------------------------------------------------
// Policy: the lists a reviewer edits. Each entry carries its reason.

/**
 * Modules under lib/ (outside lib/core and lib/client) that are pure on purpose and so carry no
 * `import "server-only"`: no Node builtin, no Buffer, nothing that reaches one. They hold algorithms and
 * tables with their own unit tests; the test below checks they really are pure. A module that is pure
 * and meant for the browser as well belongs in lib/core instead.
 */
const PURE_SHARED: Record<string, string> = {
  "lib/fs/merge.ts": "merges layer listings into one filesystem view: data in, data out",
  "lib/fs/dive-efficiency.ts": "computes wasted space over layer listings: data in, data out",
  "lib/fs/tree-scan.ts": "finds the lines of the tree index's text a search may match: strings in, strings out",
  "lib/registry/address.ts": "parses and checks registry host addresses as strings (the DNS look-up lives in hosts.ts)",
  "lib/registry/challenge.ts": "parses a WWW-Authenticate header value",
  "lib/registry/history.ts": "aligns image config history with layers",
  "lib/registry/media-types.ts": "a table of manifest media types",
  "lib/registry/manifest-parse.ts":
    "manifests and indexes as JSON values, platform choice: shared with the archive readers, which run in the browser too",
  "lib/registry/image-info.ts": "builds ImageInfo from resolved documents: shared with the archive readers, which run in the browser too",
  "lib/layer/capability.ts": "decodes a security.capability value into getcap's text: bytes in (Uint8Array, DataView), string out",
  "lib/layer/seek/block-start.ts": "proves which bit a deflate block starts at by inflating candidates with pako: bytes in, a number out",
  "lib/layer/pako-gunzip.ts": "gunzip in pure JS (pako), every member: the browser's, whose DecompressionStream stops at the first",
  "lib/layer/seek/resumed-gunzip.ts": "inflates gzip from a checkpoint with pako: bytes in, bytes out",
  "lib/layer/seek/protocol.ts": "the messages to and from the inflate worker: types only",
  "lib/cache/replay.ts": "an in-memory, many-reader replay of an async sequence: no I/O of its own",
  "lib/cache/shared-flight.ts": "shares work asked for again while under way: promises only, no I/O of its own",
  "lib/cache/recent.ts": "an in-memory memo of the most recent computations: no I/O of its own",
  "lib/compare/files.ts": "compares two merged file lists: data in, data out",
  "lib/compare/config.ts": "compares two image configs: data in, data out",
  "lib/compare/diff.ts": "two merged images compared: the server's /diff, the CLI, and the browser for a local side",
  "lib/packages/types.ts": "the types package-database parsers share: no code of its own",
  "lib/packages/text.ts": "decodes package-database bytes into bounded lines and problems (Uint8Array, TextDecoder): browser-safe",
  "lib/packages/paths.ts": "resolves paths a package database lists: strings in, strings out",
  "lib/packages/dpkg.ts": "parses the dpkg database from its files' bytes: browser-safe, so local images can be read in the browser",
  "lib/packages/apk.ts": "parses the apk database from its bytes: browser-safe, so local images can be read in the browser",
  "lib/packages/python.ts": "parses Python dist-info/egg-info metadata from its bytes: browser-safe, so local images can be read in the browser",
  "lib/packages/npm.ts": "parses node_modules package.json files from their bytes: browser-safe, so local images can be read in the browser",
  "lib/packages/rpm-header.ts": "reads one rpm header blob (Uint8Array, DataView, TextDecoder): browser-safe",
  "lib/packages/rpm-database.ts": "what the rpm database readers share (header to package, joining page parts): browser-safe",
  "lib/packages/rpm-bdb.ts": "reads rpm's Berkeley DB Packages from its bytes: browser-safe, so local images can be read in the browser",
  "lib/packages/rpm-sqlite.ts": "reads rpm's rpmdb.sqlite from its bytes with its own read-only SQLite reader: browser-safe, no WASM",
  "lib/packages/mariner.ts": "parses the Azure Linux / CBL-Mariner container manifest from its bytes: browser-safe",
  "lib/packages/go.ts": "scans executables' bytes for Go build information as they stream: browser-safe",
  "lib/packages/go-buildinfo.ts": "decodes Go build information and turns it into packages: browser-safe",
  "lib/packages/inventory.ts": "runs every package-database parser over captured bytes and merges their catalogs: data in, data out, browser-safe",
  "lib/packages/surface.ts": "derives the attack surface from a merged file list and an image config: data in, data out, browser-safe",
  "lib/packages/image-inventory.ts":
    "an image's inventory from its layers' captures and its merge: the server's and the local-image worker's one computation",
  "lib/packages/captures.ts": "what the one pass over a layer keeps for package inventories (Uint8Array): shared with the local-image worker",
  "lib/fs/merge-image.ts":
    "an image's merged filesystem and figures from its layers' listings: the server's and the local-image worker's one computation",
  "lib/fs/locate.ts": "where a file's bytes are (layer, entry) in listings and a merge: shared with the local-image worker",
  "lib/fs/directory.ts": "one directory of a merged filesystem, with rolled-up sizes: the server's and the local-image worker's one answer",
  "lib/layer/entries.ts":
    "tar entries to LayerEntries over tar-stream's extractor, whatever feeds it: Node streams on the server, Web streams in the local-image worker",
  "lib/layer/tar.ts": "the tar rules (Go's archive/tar's): shared with the local-image worker",
  "lib/layer/sniff.ts": "a layer's or archive's format from its first bytes (Uint8Array): shared with the local-image worker",
};
/**
 * Entry points of worker threads and what only they import: they run outside Next's server
 * environment, where `import "server-only"` throws, so they use Node without the fence. Only server
 * modules may start them.
 */
const WORKER_ONLY: Record<string, string> = {
  "lib/layer/seek/inflate-worker.ts": "the worker that inflates and indexes a gzip layer (node:worker_threads)",
  "lib/layer/seek/span-hasher.ts": "hashes compressed spans inside the inflate worker (node:crypto)",
  "lib/layer/seek/gzip-checkpoints.ts": "inflates gzip with Node's zlib binding inside the inflate worker, stopping at block boundaries (node:zlib)",
};

// Decided against (they use Node, so they need the marker): lib/registry/manifest.ts (node:crypto,
// Buffer), lib/layer/decode.ts (node:stream, node:zlib), lib/layer/read.ts (node:crypto, node:stream,
// tar-stream), lib/layer/zstd-frames.ts (Buffer).

/**
 * Folders whose every module is browser-safe, without a marker each: lib/archive reads docker-archive
 * and OCI layouts over an interface (files by path), so the command line (over a tar file or a folder)
 * and the browser (over a File, in a Web Worker) share one reading of the formats.
 *
 * lib/local is the Web Worker that reads an archive opened in the browser (its entry, worker.ts, is
 * started by lib/client/local-source.ts with `new Worker(new URL(…))`, which is no import edge, so
 * this rule is what keeps the worker's whole graph browser-safe).
 */
const BROWSER_SAFE_DIRS = ["lib/archive/", "lib/local/"];

/** The command line (lib/cli) is a leaf: it drives the services, and nothing in the app or lib depends on it. */
const CLI_DIR = "lib/cli/";

/** lib/client is the browser's: the command line, the services and the edge never import it (what they share lives in lib/core). */
const CLIENT_DIR = "lib/client/";
const UI_DIRS = [CLIENT_DIR, "components/", "app/"];

/** npm packages lib/core may import: pure, browser-safe, no Node builtins. None is needed today. */
const CORE_PACKAGES: Record<string, string> = {};

/** Where `process.env` may be read: configuration is read in one place. */
const ENV_ALLOWED = /^lib\/config[^/]*\.ts$/;
const ENV_SCOPE = ["app", "components", "lib", "proxy.ts", "instrumentation.ts"];

const MAX_ROUTE_LINES = 35;
const MAX_COMPONENT_LINES = 200;

// ---------------------------------------------------------------------------------------------------
// The graph.

const SOURCE = /\.(ts|tsx|mts|js|jsx|mjs)$/;
const BUILTINS = new Set(builtinModules.map((name) => name.replace(/^node:/, "")));

type Target =
  | { kind: "module"; target: string } // a file in this repo, relative to ROOT
  | { kind: "asset"; target: string } // CSS, SVG, JSON…: a leaf
  | { kind: "builtin" }
  | { kind: "server-only" }
  | { kind: "package"; name: string }
  | { kind: "unresolved" };
type Edge = { specifier: string; line: number; typeOnly: boolean } & Target;

type Module = {
  path: string;
  useClient: boolean;
  /** The first statement is `import "server-only"`. */
  serverOnlyFirst: boolean;
  edges: Edge[];
  /** Lines where `Buffer` is used as a value (type positions don't count). */
  bufferLines: number[];
  /** Lines where `process.env` is read. */
  envLines: number[];
  lineCount: number;
};

const parsedConfig = (() => {
  const configPath = join(ROOT, "tsconfig.json");
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, configPath);
})();
const compilerOptions = parsedConfig.options;
const resolutionCache = ts.createModuleResolutionCache(ROOT, (name) => name, compilerOptions);

const rel = (absolute: string) => relative(ROOT, absolute).split(sep).join("/");
const lineOf = (source: ts.SourceFile, node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
const packageName = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

function resolve(specifier: string, fromAbsolute: string): Target {
  if (specifier === "server-only") return { kind: "server-only" };
  if (specifier.startsWith("node:") || BUILTINS.has(specifier) || BUILTINS.has(specifier.split("/")[0] ?? "")) return { kind: "builtin" };
  const local = specifier.startsWith(".") || specifier.startsWith("@/");
  const { resolvedModule } = ts.resolveModuleName(specifier, fromAbsolute, compilerOptions, ts.sys, resolutionCache);
  if (resolvedModule && !resolvedModule.isExternalLibraryImport && !resolvedModule.resolvedFileName.includes("/node_modules/")) {
    return { kind: "module", target: rel(resolvedModule.resolvedFileName) };
  }
  if (local) {
    // Non-code files (CSS, SVG, JSON) have no declarations to resolve to: look for the file itself.
    const base = specifier.startsWith("@/") ? join(ROOT, specifier.slice(2)) : join(dirname(fromAbsolute), specifier);
    return existsSync(base) && statSync(base).isFile() ? { kind: "asset", target: rel(base) } : { kind: "unresolved" };
  }
  return { kind: "package", name: packageName(specifier) };
}

function isTypePosition(node: ts.Node): boolean {
  for (let at: ts.Node | undefined = node.parent; at; at = at.parent) {
    if (ts.isTypeNode(at) && !ts.isExpressionWithTypeArguments(at)) return true;
    if (ts.isStatement(at) || ts.isExpression(at)) return false;
  }
  return false;
}

/** `Buffer` as a value: `Buffer.from(…)`, `new Buffer()`, `x instanceof Buffer`, `globalThis.Buffer`. */
function isBufferValue(node: ts.Identifier): boolean {
  if (node.text !== "Buffer") return false;
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) {
    return ts.isIdentifier(parent.expression) && parent.expression.text === "globalThis";
  }
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === node) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isQualifiedName(parent)) return false;
  return !isTypePosition(node);
}

function isProcessEnv(node: ts.Node): boolean {
  const isProcess = (e: ts.Expression) =>
    (ts.isIdentifier(e) && e.text === "process") ||
    (ts.isPropertyAccessExpression(e) && e.name.text === "process" && ts.isIdentifier(e.expression) && e.expression.text === "globalThis");
  if (ts.isPropertyAccessExpression(node)) return node.name.text === "env" && isProcess(node.expression);
  if (ts.isElementAccessExpression(node))
    return ts.isStringLiteralLike(node.argumentExpression) && node.argumentExpression.text === "env" && isProcess(node.expression);
  return false;
}

const modules = new Map<string, Module>();

function load(path: string): Module {
  const cached = modules.get(path);
  if (cached) return cached;
  const absolute = join(ROOT, path);
  const text = readFileSync(absolute, "utf8");
  const source = ts.createSourceFile(absolute, text, ts.ScriptTarget.Latest, true, path.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const mod: Module = {
    path,
    useClient: false,
    serverOnlyFirst: false,
    edges: [],
    bufferLines: [],
    envLines: [],
    lineCount: text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length,
  };
  modules.set(path, mod);

  for (const statement of source.statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) break;
    if (statement.expression.text === "use client") mod.useClient = true;
  }
  const firstImport = source.statements.find((s) => !(ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression)));
  mod.serverOnlyFirst =
    firstImport !== undefined &&
    ts.isImportDeclaration(firstImport) &&
    !firstImport.importClause &&
    (firstImport.moduleSpecifier as ts.StringLiteral).text === "server-only";

  const addEdge = (specifierNode: ts.Expression, typeOnly: boolean) => {
    if (!ts.isStringLiteralLike(specifierNode)) return;
    const specifier = specifierNode.text;
    mod.edges.push({ specifier, line: lineOf(source, specifierNode), typeOnly, ...resolve(specifier, absolute) });
  };

  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name &&
            bindings !== undefined &&
            ts.isNamedImports(bindings) &&
            bindings.elements.length > 0 &&
            bindings.elements.every((e) => e.isTypeOnly)));
      addEdge(node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const clause = node.exportClause;
      const typeOnly =
        node.isTypeOnly ||
        (clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly));
      addEdge(node.moduleSpecifier, typeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      addEdge(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
      addEdge(node.arguments[0], false);
    } else if (ts.isIdentifier(node) && isBufferValue(node)) {
      mod.bufferLines.push(lineOf(source, node));
    } else if (isProcessEnv(node)) {
      mod.envLines.push(lineOf(source, node));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return mod;
}

function filesUnder(dir: string): string[] {
  const absolute = join(ROOT, dir);
  if (!existsSync(absolute)) return [];
  if (statSync(absolute).isFile()) return SOURCE.test(dir) ? [dir] : [];
  return readdirSync(absolute, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(`${dir}/${entry.name}`) : SOURCE.test(entry.name) ? [`${dir}/${entry.name}`] : []))
    .filter((path) => !path.endsWith(".d.ts"))
    .sort();
}

const APP_SOURCES = ["app", "components", "lib", "proxy.ts", "instrumentation.ts"].flatMap(filesUnder);
for (const path of APP_SOURCES) load(path);

const valueEdges = (mod: Module) => mod.edges.filter((edge) => !edge.typeOnly);
const next = (mod: Module) => valueEdges(mod).flatMap((edge) => (edge.kind === "module" ? [load(edge.target)] : []));

/** What makes a module Node-only, by its own code (not by what it imports). */
function nodeOnlyReasons(mod: Module): string[] {
  const reasons: string[] = [];
  for (const edge of valueEdges(mod)) {
    if (edge.kind === "builtin") reasons.push(`imports "${edge.specifier}" (line ${edge.line})`);
    if (edge.kind === "server-only") reasons.push(`imports "server-only" (line ${edge.line})`);
  }
  if (mod.bufferLines.length > 0) reasons.push(`uses Buffer (line ${mod.bufferLines.join(", ")})`);
  return reasons;
}

/**
 * Breadth-first over value imports from `start`: for every module reached, the shortest chain to it.
 * `start` itself is included, with a chain of one.
 */
function reach(start: Module): Map<string, string[]> {
  const chains = new Map<string, string[]>([[start.path, [start.path]]]);
  const queue = [start];
  for (let mod = queue.shift(); mod; mod = queue.shift()) {
    for (const target of next(mod)) {
      if (chains.has(target.path)) continue;
      chains.set(target.path, [...(chains.get(mod.path) as string[]), target.path]);
      queue.push(target);
    }
  }
  return chains;
}

/** Every Node-only module `start` reaches, each with its chain and why it is Node-only. */
function nodeOnlyReached(start: Module): { chain: string[]; reasons: string[] }[] {
  return [...reach(start)].flatMap(([path, chain]) => {
    const reasons = nodeOnlyReasons(load(path));
    return reasons.length > 0 ? [{ chain, reasons }] : [];
  });
}

const showChain = (chain: string[]) => chain.join("\n      → ");

function failIfAny(problems: string[], what: string): void {
  if (problems.length > 0) expect.fail(`${problems.length} ${what}:\n\n${problems.join("\n\n")}\n`);
}

// ---------------------------------------------------------------------------------------------------

describe("structure", () => {
  it("self-check: the walker sees real modules, real edges and real Node use (so no rule passes vacuously)", () => {
    expect(APP_SOURCES.length).toBeGreaterThan(40);
    const explorer = load("components/explorer/Explorer.tsx");
    expect(explorer.useClient).toBe(true);
    const chain = reach(explorer).get("lib/core/errors.ts");
    expect(chain, "components/explorer/Explorer.tsx should reach lib/core/errors.ts through value imports").toBeDefined();
    expect(chain?.[0]).toBe("components/explorer/Explorer.tsx");
    // The detectors fire on the real tree: client modules, the server-only marker, builtins, Buffer.
    const all = [...modules.values()];
    expect(all.filter((m) => m.useClient).length).toBeGreaterThan(3);
    expect(all.filter((m) => m.serverOnlyFirst).length).toBeGreaterThan(5);
    expect(all.some((m) => m.edges.some((e) => e.kind === "builtin" && e.specifier.startsWith("node:")))).toBe(true);
    expect(all.some((m) => m.bufferLines.length > 0)).toBe(true);
    expect(all.some((m) => m.edges.some((e) => e.kind === "asset"))).toBe(true);
    // `@/…` resolves through tsconfig paths, and a type-only import is not a value edge.
    expect(explorer.edges.some((e) => e.specifier.startsWith("@/") && e.kind === "module")).toBe(true);
    expect(all.some((m) => m.edges.some((e) => e.typeOnly && e.kind === "module"))).toBe(true);
    // Reachability and detection together: a route handler does reach Node, through lib/service.
    const route = nodeOnlyReached(load("app/api/v1/image/route.ts"));
    expect(route.length, "app/api/v1/image/route.ts should reach Node-only modules").toBeGreaterThan(0);
    expect(route.some(({ chain }) => chain.length > 2)).toBe(true);
  });

  it("self-check: every local import (./… and @/…) resolves to a file", () => {
    const problems = [...modules.values()].flatMap((m) =>
      m.edges.filter((e) => e.kind === "unresolved").map((e) => `${m.path}:${e.line} imports "${e.specifier}", which resolves to no file`),
    );
    failIfAny(problems, "unresolved local imports (the graph would have holes)");
  });

  it('no "use client" module reaches Node builtins, "server-only" or Buffer through its imports', () => {
    const clientModules = [...modules.values()].filter((m) => m.useClient);
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const client of clientModules.sort((a, b) => a.path.localeCompare(b.path))) {
      for (const { chain, reasons } of nodeOnlyReached(client)) {
        const offender = chain.at(-1) as string;
        if (seen.has(offender)) continue; // one chain per offending module is enough to act on
        seen.add(offender);
        problems.push(`${offender} ${reasons.join(", ")}, and client code reaches it:\n      ${showChain(chain)}`);
      }
    }
    failIfAny(problems, "Node-only modules end up in the browser bundle (move the shared part to lib/core, or cut the import)");
  });

  it("process.env is read only in lib/config*.ts", () => {
    const problems = ENV_SCOPE.flatMap(filesUnder)
      .map(load)
      .filter((m) => m.envLines.length > 0 && !ENV_ALLOWED.test(m.path))
      .map((m) => `${m.path}:${m.envLines.join(",")} reads process.env: read it in lib/config and pass the value in`);
    failIfAny(problems, "modules read process.env outside lib/config*.ts");
  });

  it(`route handlers (app/**/route.ts) are at most ${MAX_ROUTE_LINES} lines`, () => {
    const problems = filesUnder("app")
      .filter((path) => /(^|\/)route\.(ts|js)$/.test(path))
      .map(load)
      .filter((m) => m.lineCount > MAX_ROUTE_LINES)
      .map(
        (m) =>
          `${m.path} has ${m.lineCount} lines (max ${MAX_ROUTE_LINES}): move the work into lib/service and keep the handler to parsing and responding`,
      );
    failIfAny(problems, "route handlers are too long");
  });

  it(`component files (components/**/*.tsx) are at most ${MAX_COMPONENT_LINES} lines`, () => {
    const problems = filesUnder("components")
      .filter((path) => path.endsWith(".tsx"))
      .map(load)
      .filter((m) => m.lineCount > MAX_COMPONENT_LINES)
      .map((m) => `${m.path} has ${m.lineCount} lines (max ${MAX_COMPONENT_LINES}): split it into smaller components or hooks`);
    failIfAny(problems, "component files are too long");
  });

  const serverSide = (path: string) =>
    path.startsWith("lib/") &&
    !path.startsWith("lib/core/") &&
    !path.startsWith("lib/client/") &&
    !BROWSER_SAFE_DIRS.some((dir) => path.startsWith(dir));

  it(`the browser-safe folders (${BROWSER_SAFE_DIRS.join(", ")}) reach no Node builtin, "server-only" or Buffer`, () => {
    const inside = BROWSER_SAFE_DIRS.flatMap((dir) => filesUnder(dir.slice(0, -1)));
    expect(inside.length, "lib/archive should hold modules").toBeGreaterThan(0);
    const problems = inside.flatMap((path) =>
      nodeOnlyReached(load(path)).map(({ chain, reasons }) =>
        chain.length === 1
          ? `${path} ${reasons.join(", ")}`
          : `${path} reaches ${chain.at(-1)}, which ${reasons.join(", ")}:\n      ${showChain(chain)}`,
      ),
    );
    failIfAny(problems, "browser-safe modules use Node (do the I/O in a server module behind the interface they read through)");
  });

  it(`only the command line itself imports ${CLI_DIR}`, () => {
    const problems = APP_SOURCES.map(load)
      .filter((m) => !m.path.startsWith(CLI_DIR))
      .flatMap((m) =>
        m.edges.flatMap((e) => (e.kind === "module" && e.target.startsWith(CLI_DIR) ? [`${m.path}:${e.line} imports ${e.target}`] : [])),
      );
    failIfAny(problems, "modules depend on the command line (move what they share into lib/service or lib/core)");
  });

  it(`only the UI (${UI_DIRS.join(", ")}) imports ${CLIENT_DIR}`, () => {
    const problems = APP_SOURCES.map(load)
      .filter((m) => !UI_DIRS.some((dir) => m.path.startsWith(dir)))
      .flatMap((m) =>
        m.edges.flatMap((e) => (e.kind === "module" && e.target.startsWith(CLIENT_DIR) ? [`${m.path}:${e.line} imports ${e.target}`] : [])),
      );
    failIfAny(problems, "modules outside the UI depend on the browser's code (move what they share into lib/core)");
  });

  it('lib modules that use Node (directly or through their imports) start with import "server-only"', () => {
    const problems = [...modules.values()]
      .filter((m) => serverSide(m.path) && !m.serverOnlyFirst && !(m.path in PURE_SHARED) && !(m.path in WORKER_ONLY))
      .flatMap((m) => {
        // Breadth-first, so the module's own Node use (a chain of one) comes first, then the nearest reached.
        const [nearest] = nodeOnlyReached(m);
        if (!nearest) return [];
        const { chain, reasons } = nearest;
        const why = chain.length === 1 ? reasons.join(", ") : `reaches ${chain.at(-1)}, which ${reasons.join(", ")}:\n      ${showChain(chain)}`;
        return [`${m.path} ${why}\n      → add \`import "server-only";\` as its first line`];
      });
    failIfAny(problems, 'Node-only lib modules lack the `import "server-only"` fence');
  });

  it("every lib module outside lib/core and lib/client is fenced with server-only or listed as pure on purpose", () => {
    const problems = filesUnder("lib")
      .filter(serverSide)
      .map(load)
      .filter((m) => !m.serverOnlyFirst && !(m.path in PURE_SHARED) && nodeOnlyReached(m).length === 0)
      .map(
        (m) =>
          `${m.path} is pure but unclassified: add it to PURE_SHARED in this test with a reason, move it to lib/core if the browser needs it, or fence it with server-only`,
      );
    failIfAny(problems, "lib modules are unclassified");
  });

  it("the modules listed as pure really are pure (no Node, no server-only, nothing that reaches either)", () => {
    const problems = Object.keys(PURE_SHARED).flatMap((path) => {
      if (!existsSync(join(ROOT, path))) return [`${path} is listed in PURE_SHARED but does not exist: drop the entry`];
      return nodeOnlyReached(load(path)).map(({ chain, reasons }) =>
        chain.length === 1
          ? `${path} ${reasons.join(", ")}`
          : `${path} reaches ${chain.at(-1)}, which ${reasons.join(", ")}:\n      ${showChain(chain)}`,
      );
    });
    failIfAny(problems, "PURE_SHARED entries are not pure (fence them with server-only and drop them from the list, or cut the Node use)");
  });

  it("lib/core imports nothing outside lib/core (type imports included) and no npm package but the listed pure ones", () => {
    const problems = filesUnder("lib/core")
      .map(load)
      .flatMap((m) => [
        ...m.edges.flatMap((e) => {
          const kind = e.typeOnly ? "type import" : "import";
          if (e.kind === "module" && !e.target.startsWith("lib/core/"))
            return [`${m.path}:${e.line} ${kind} of ${e.target} ("${e.specifier}"): lib/core must stand alone`];
          if (e.kind === "asset") return [`${m.path}:${e.line} ${kind} of ${e.target}: lib/core must stand alone`];
          if (e.kind === "builtin" || e.kind === "server-only")
            return [`${m.path}:${e.line} ${kind} of "${e.specifier}": lib/core runs in the browser too`];
          if (e.kind === "package" && !(e.name in CORE_PACKAGES))
            return [
              `${m.path}:${e.line} ${kind} of npm package "${e.name}": not in CORE_PACKAGES (add it there only if it is pure and browser-safe)`,
            ];
          return [];
        }),
        ...(m.bufferLines.length > 0 ? [`${m.path}:${m.bufferLines.join(",")} uses Buffer: lib/core runs in the browser too (use Uint8Array)`] : []),
      ]);
    failIfAny(problems, "lib/core dependency violations");
  });
});
