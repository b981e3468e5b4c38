/**
 * Real Debian root filesystems for tests, made by mmdebstrap from the machine's own apt sources and
 * kept as tars in a cache folder outside the checkout (the same variant is not built twice on one
 * machine). Needs root, or mmdebstrap's unshare mode.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "porthole-tests", "debian");

/** The tar of a bookworm root filesystem of `variant` (`essential`, `minbase`, …) plus `include`d packages. */
export function debianRootfs(variant: string, include: string[] = []): Buffer {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `bookworm-${variant}${include.length ? `-${include.join("+")}` : ""}.tar`);
  if (!existsSync(file)) {
    const args = ["--quiet", "--mode=auto", `--variant=${variant}`, "--format=tar"];
    if (include.length) args.push(`--include=${include.join(",")}`);
    execFileSync("mmdebstrap", [...args, "bookworm", `${file}.part`], { stdio: ["ignore", "ignore", "inherit"] });
    renameSync(`${file}.part`, file);
  }
  return readFileSync(file);
}
