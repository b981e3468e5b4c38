/**
 * Real Go binaries for the Go build information tests, and `go version -m` as the oracle. The test
 * program is a module that needs another one, replaced by a local directory (so no network).
 */
import { join } from "node:path";
import { go, goProgram } from "@/tests/support/go-build";

const SOURCES: Record<string, string> = {
  "lib/go.mod": "module example.com/greeting\n\ngo 1.18\n",
  "lib/greeting.go": 'package greeting\n\nfunc Hello() string { return "hello" }\n',
  "app/go.mod": "module example.com/porthole-app\n\ngo 1.18\n\nrequire example.com/greeting v1.2.3\n\nreplace example.com/greeting => ../lib\n",
  "app/main.go": 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/greeting"\n)\n\nfunc main() { fmt.Println(greeting.Hello()) }\n',
};

/**
 * `-ldflags=-s -w`: a quoted build setting, and stripped symbols (build information stays). No VCS
 * stamping: the cache may sit inside someone's git checkout, or git may be missing.
 */
const BUILD_FLAGS = ["-buildvcs=false", "-ldflags=-s -w"];

/** The test program, built once per Go version, source and flags. */
export const testBinary = (): string => goProgram("porthole-app", SOURCES, "app", BUILD_FLAGS);

/** The `go` command itself: a binary of the toolchain, built without modules, that carries debug/buildinfo's marker string too. */
export const goCommand = () => join(go(["env", "GOROOT"]).trim(), "bin", "go");

/** What `go version -m` prints, taken apart line by line (not with the parser under test). */
export interface GoVersionM {
  goVersion: string;
  path: string;
  mod?: string[];
  deps: { dep: string[]; replace?: string[] }[];
  /** As printed: `key=value`, the value quoted when it needs to be. */
  build: string[];
}

export function goVersionM(binary: string): GoVersionM {
  const [first = "", ...lines] = go(["version", "-m", binary]).split("\n");
  const result: GoVersionM = { goVersion: first.slice(first.lastIndexOf(": ") + 2), path: "", deps: [], build: [] };
  for (const line of lines) {
    const [kind, ...fields] = line.replace(/^\t/, "").split("\t");
    if (kind === "path") result.path = fields.join("\t");
    if (kind === "mod") result.mod = fields;
    if (kind === "dep") result.deps.push({ dep: fields });
    if (kind === "=>") (result.deps.at(-1) as { replace?: string[] }).replace = fields;
    if (kind === "build") result.build.push(fields.join("\t"));
  }
  return result;
}
