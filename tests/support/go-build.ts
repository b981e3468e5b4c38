/**
 * Real Go programs for the tests that take Go as their oracle (`go version -m`, archive/tar): built
 * offline, once per Go version and source, and kept in ~/.cache/porthole-tests, so repeat runs are fast.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const CACHE = join(homedir(), ".cache", "porthole-tests");

/** Offline and reproducible: no proxy, no toolchain download, no cgo (no C compiler needed), caches under CACHE. */
const goEnv = () => ({
  ...process.env,
  GOFLAGS: "-mod=mod",
  GOPROXY: "off",
  GOTOOLCHAIN: "local",
  GOWORK: "off",
  CGO_ENABLED: "0",
  GOCACHE: join(CACHE, "go-build"),
  GOPATH: join(CACHE, "gopath"),
});

export const go = (args: string[], cwd?: string) =>
  execFileSync("go", args, { cwd, env: goEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

const goVersion = () => go(["env", "GOVERSION"]).trim();

/**
 * The program `sources` make (paths relative to its folder, the main package in `mainDir`), built
 * with `flags` once per Go version, source and flags; the binary's path.
 */
export function goProgram(name: string, sources: Record<string, string>, mainDir: string, flags: string[] = []): string {
  const key = createHash("sha256")
    .update(JSON.stringify([sources, flags]))
    .digest("hex")
    .slice(0, 12);
  const dir = join(CACHE, `${name}-${goVersion()}-${key}`);
  const binary = join(dir, name);
  if (existsSync(binary)) return binary;
  for (const [path, text] of Object.entries(sources)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  // Built beside, then renamed: a run stopped halfway leaves no half-written binary in the cache.
  go(["build", ...flags, "-o", `${binary}.partial`, "."], join(dir, mainDir));
  renameSync(`${binary}.partial`, binary);
  return binary;
}
