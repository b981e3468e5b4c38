/**
 * The attack surface of an image: what someone who gets code running in a container finds to work with
 * (a shell, a package manager, setuid binaries, compilers, network tools…), read from the merged file
 * list and the config. Tools count only in the standard bin directories, where a shell's PATH finds them,
 * and by name, as a shell finds them: `/bin/sh` linking to busybox is a shell like any other.
 */
import type { FsFile, Surface } from "@/lib/core/api-types";
import { environment, type RunSettings } from "@/lib/core/image-config";
import { baseName, cleanPath, comparePaths, parentOf } from "@/lib/core/paths";

const BIN_DIRECTORIES = new Set(["/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"]);

const SHELLS = new Set(["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox", "rbash", "csh", "tcsh", "fish"]);
const PACKAGE_MANAGERS = new Set(["apt", "apt-get", "dpkg", "apk", "rpm", "dnf", "yum", "microdnf", "tdnf", "pip", "pip3", "npm", "gem"]);
const COMPILERS = new Set(["cc", "gcc", "g++", "clang", "clang++", "go", "javac", "rustc", "tcc", "as", "ld"]);
const NETWORK_TOOLS = new Set(["curl", "wget", "nc", "ncat", "netcat", "socat", "ssh", "scp", "telnet", "ftp", "nmap"]);

/** Distributions install compilers under versioned names too (gcc-12, clang-15, g++-12.2). */
const VERSION_SUFFIX = /-\d+(?:\.\d+)*$/;

const SETUID = 0o4000;
const SETGID = 0o2000;
const STICKY = 0o1000;
const WRITABLE_BY_OTHERS = 0o002;

/** The attack surface of the merged image `files`, run as `run` says. */
export function attackSurface(files: readonly FsFile[], run: RunSettings): Surface {
  const { user } = run;
  const binDirectories = new Set([...BIN_DIRECTORIES, ...searchPath(run)]);
  const programs = files.filter((file) => (isRegularFile(file) || file.type === "symlink") && binDirectories.has(parentOf(file.path)));
  const named = (matches: (name: string) => boolean) => sortedPaths(programs.filter((file) => matches(baseName(file.path))));
  return {
    user,
    runsAsRoot: runsAsRoot(user),
    shells: named((name) => SHELLS.has(name)),
    packageManagers: named((name) => PACKAGE_MANAGERS.has(name)).map((path) => ({ name: baseName(path), path })),
    setuid: sortedPaths(files.filter((file) => isRegularFile(file) && (file.mode & SETUID) !== 0)),
    setgid: sortedPaths(files.filter((file) => isRegularFile(file) && (file.mode & SETGID) !== 0)),
    worldWritable: sortedPaths(files.filter(isWorldWritable)),
    capabilities: fileCapabilities(files),
    compilers: named((name) => COMPILERS.has(name.replace(VERSION_SUFFIX, ""))),
    networkTools: named((name) => NETWORK_TOOLS.has(name)),
  };
}

/**
 * `User` is `user[:group]`, each a name or a number; unset, the container runs as root. A name other
 * than root that /etc/passwd maps to uid 0 is not looked up, so it is not seen as root.
 */
function runsAsRoot(user: string): boolean {
  const [who = ""] = user.split(":", 1);
  return who === "" || who === "root" || (/^\d+$/.test(who) && Number(who) === 0);
}

/** A hard link is the same file as its target, setuid bit and all; other entry types have no bytes to run. */
const isRegularFile = (file: FsFile) => file.type === "file" || file.type === "hardlink";

/** Something a PATH lookup can run: a file or a link (to busybox, to a versioned name…) in a bin directory. */
/** The directories of the image's own `PATH` (`/usr/local/go/bin` in the golang image): what a shell in it would run. */
function searchPath(run: RunSettings): string[] {
  const path = environment(run.env).get("PATH") ?? "";
  return path
    .split(":")
    .filter((dir) => dir.startsWith("/"))
    .map(cleanPath);
}

/**
 * Anyone may change it. A symbolic link's own mode is always 0777 and means nothing; in a directory with
 * the sticky bit (/tmp) anyone may add files but only remove their own, which is the point of it.
 */
function isWorldWritable(file: FsFile): boolean {
  if (file.type === "symlink" || (file.mode & WRITABLE_BY_OTHERS) === 0) return false;
  return file.type !== "dir" || (file.mode & STICKY) === 0;
}

/** Files that gain capabilities when run (only a regular file's are used by exec), sorted by path. */
function fileCapabilities(files: readonly FsFile[]): Surface["capabilities"] {
  return files
    .filter((file) => isRegularFile(file) && file.capability !== undefined)
    .map((file) => ({ path: file.path, value: file.capability as string }))
    .sort((a, b) => comparePaths(a.path, b.path));
}

function sortedPaths(files: readonly FsFile[]): string[] {
  return [...new Set(files.map((file) => file.path))].sort(comparePaths);
}
