import { describe, expect, it } from "vitest";
import type { EntryType, FsFile } from "@/lib/core/api-types";
import { runSettings } from "@/lib/core/image-config";
import { attackSurface } from "@/lib/packages/surface";

const entry = (path: string, type: EntryType, mode: number, extra: Partial<FsFile> = {}): FsFile => ({
  path,
  type,
  size: 0,
  mode,
  uid: 0,
  gid: 0,
  layer: 0,
  ...extra,
});
const file = (path: string, mode = 0o755) => entry(path, "file", mode);
const dir = (path: string, mode = 0o755) => entry(path, "dir", mode);
const symlink = (path: string, linkname: string) => entry(path, "symlink", 0o777, { linkname });
const hardlink = (path: string, linkname: string, mode = 0o755) => entry(path, "hardlink", mode, { linkname });

const runAs = (user?: string) => ({ config: user === undefined ? {} : { User: user } });
const surfaceOf = (files: FsFile[], config: Record<string, unknown> = runAs("65532")) => attackSurface(files, runSettings(config));

describe("attack surface: user and runsAsRoot", () => {
  it.each([
    ["", true],
    ["root", true],
    ["0", true],
    ["00", true],
    ["0:0", true],
    ["0:1000", true],
    ["root:wheel", true],
    ["65532", false],
    ["65532:65532", false],
    ["nonroot", false],
    ["nonroot:root", false],
    ["1000:0", false],
    ["rootless", false],
    ["10", false],
  ])("User %j runs as root: %s", (user, root) => {
    expect(surfaceOf([], runAs(user))).toMatchObject({ user, runsAsRoot: root });
  });

  it("an image config without User, or without a config at all, runs as root with user ''", () => {
    expect(surfaceOf([], runAs())).toMatchObject({ user: "", runsAsRoot: true });
    expect(surfaceOf([], {})).toMatchObject({ user: "", runsAsRoot: true });
    expect(surfaceOf([], { config: { User: 0 } })).toMatchObject({ user: "", runsAsRoot: true });
  });
});

describe("attack surface: shells", () => {
  it("counts files, symlinks (to busybox too) and hard links named like a shell in every bin directory", () => {
    const files = [
      file("/bin/busybox"),
      symlink("/bin/sh", "/bin/busybox"),
      hardlink("/usr/bin/bash", "/bin/bash-static"),
      file("/usr/local/bin/zsh"),
      symlink("/sbin/ash", "busybox"),
      file("/usr/sbin/rbash"),
      file("/usr/local/sbin/fish"),
    ];
    expect(surfaceOf(files).shells).toEqual([
      "/bin/busybox",
      "/bin/sh",
      "/sbin/ash",
      "/usr/bin/bash",
      "/usr/local/bin/zsh",
      "/usr/local/sbin/fish",
      "/usr/sbin/rbash",
    ]);
  });

  it("does not count files outside the bin directories, in their subdirectories, or with other names", () => {
    const files = [
      file("/opt/bin/bash"),
      file("/usr/lib/busybox/sh"),
      file("/usr/bin/tools/sh"),
      file("/usr/share/bash"),
      file("/bin/shx"),
      file("/bin/bash.bak"),
      dir("/usr/bin/sh"),
      entry("/bin/zsh", "fifo", 0o644),
    ];
    expect(surfaceOf(files).shells).toEqual([]);
  });
});

describe("attack surface: packageManagers", () => {
  it("names each package manager in a bin directory, sorted by path", () => {
    const files = [
      file("/usr/bin/apt"),
      file("/usr/bin/apt-get"),
      file("/usr/bin/dpkg"),
      symlink("/usr/local/bin/pip3", "pip"),
      file("/sbin/apk"),
      file("/usr/lib/apt/methods/http"),
    ];
    expect(surfaceOf(files).packageManagers).toEqual([
      { name: "apk", path: "/sbin/apk" },
      { name: "apt", path: "/usr/bin/apt" },
      { name: "apt-get", path: "/usr/bin/apt-get" },
      { name: "dpkg", path: "/usr/bin/dpkg" },
      { name: "pip3", path: "/usr/local/bin/pip3" },
    ]);
  });
});

describe("attack surface: setuid and setgid", () => {
  it("lists regular files and hard links with the setuid or setgid bit, anywhere in the image", () => {
    const files = [
      file("/usr/bin/su", 0o4755),
      file("/usr/bin/passwd", 0o4755),
      hardlink("/usr/lib/su-copy", "/usr/bin/su", 0o4755),
      file("/usr/bin/wall", 0o2755),
      file("/opt/tool", 0o6755),
      file("/usr/bin/ls", 0o755),
    ];
    const surface = surfaceOf(files);
    expect(surface.setuid).toEqual(["/opt/tool", "/usr/bin/passwd", "/usr/bin/su", "/usr/lib/su-copy"]);
    expect(surface.setgid).toEqual(["/opt/tool", "/usr/bin/wall"]);
  });

  it("does not list directories with those bits (setgid directories pass their group on, nothing runs)", () => {
    const surface = surfaceOf([dir("/var/mail", 0o2775), dir("/srv/odd", 0o4755)]);
    expect(surface.setuid).toEqual([]);
    expect(surface.setgid).toEqual([]);
  });
});

describe("attack surface: worldWritable", () => {
  it("lists files and directories anyone may write, but not sticky-bit directories (/tmp) or symlinks", () => {
    const files = [
      dir("/tmp", 0o1777),
      dir("/var/tmp", 0o1777),
      dir("/var/uploads", 0o777),
      dir("/srv/sticky-but-closed", 0o1775),
      file("/etc/app.conf", 0o666),
      file("/etc/sticky-file", 0o1666),
      file("/etc/group-writable", 0o664),
      symlink("/usr/bin/vi", "vim"),
      entry("/run/app.fifo", "fifo", 0o622),
    ];
    expect(surfaceOf(files).worldWritable).toEqual(["/etc/app.conf", "/etc/sticky-file", "/run/app.fifo", "/var/uploads"]);
  });
});

describe("attack surface: capabilities", () => {
  it("lists the regular files (hard links too) that carry capabilities, sorted by path, wherever they are", () => {
    const surface = surfaceOf(
      [
        entry("/usr/bin/ping", "file", 0o755, { capability: "cap_net_raw=ep" }),
        entry("/opt/app/server", "file", 0o755, { capability: "cap_net_bind_service=ep" }),
        entry("/usr/bin/arping", "hardlink", 0o755, { linkname: "/usr/bin/ping", capability: "cap_net_raw=ep" }),
        file("/usr/bin/plain"),
        // exec never reads a directory's or a symlink's capabilities.
        entry("/srv", "dir", 0o755, { capability: "cap_chown=ep" }),
      ],
      runAs("1000"),
    );
    expect(surface.capabilities).toEqual([
      { path: "/opt/app/server", value: "cap_net_bind_service=ep" },
      { path: "/usr/bin/arping", value: "cap_net_raw=ep" },
      { path: "/usr/bin/ping", value: "cap_net_raw=ep" },
    ]);
  });
});

describe("attack surface: compilers", () => {
  it("lists compilers and linkers in bin directories, versioned names included", () => {
    const files = [
      symlink("/usr/bin/cc", "/etc/alternatives/cc"),
      file("/usr/bin/gcc-12"),
      symlink("/usr/bin/g++", "g++-12"),
      file("/usr/bin/g++-12"),
      file("/usr/bin/clang++-15"),
      file("/usr/bin/as"),
      file("/usr/bin/ld"),
      file("/usr/local/bin/go"),
      file("/usr/bin/rustc"),
    ];
    expect(surfaceOf(files).compilers).toEqual(files.map(({ path }) => path).sort());
  });

  it("does not list tools that merely start like a compiler, or compilers outside the bin directories", () => {
    const files = [file("/usr/bin/gcc-ar-12"), file("/usr/bin/gccgo"), file("/usr/bin/gcc-"), file("/usr/bin/ldd"), file("/usr/local/go/bin/go")];
    expect(surfaceOf(files).compilers).toEqual([]);
  });
});

describe("attack surface: the image's own PATH", () => {
  it("counts programs in the directories of the config's PATH too (the golang image's /usr/local/go/bin)", () => {
    const files = [file("/usr/local/go/bin/go"), file("/opt/tools/bin/curl")];
    const config = { config: { User: "65532", Env: ["HOME=/root", "PATH=/usr/local/go/bin:/opt/tools/bin/:relative/bin:/usr/bin"] } };
    const surface = surfaceOf(files, config);
    expect(surface.compilers).toEqual(["/usr/local/go/bin/go"]);
    expect(surface.networkTools).toEqual(["/opt/tools/bin/curl"]);
  });
});

describe("attack surface: networkTools", () => {
  it("lists download and connection tools in bin directories", () => {
    const files = [
      file("/usr/bin/curl"),
      file("/usr/bin/wget"),
      symlink("/bin/nc", "busybox"),
      file("/usr/bin/ssh"),
      file("/usr/lib/curl"),
      file("/usr/bin/curl-config"),
    ];
    expect(surfaceOf(files).networkTools).toEqual(["/bin/nc", "/usr/bin/curl", "/usr/bin/ssh", "/usr/bin/wget"]);
  });
});

describe("attack surface: every list", () => {
  it("is sorted and has no duplicates even when the input repeats a path", () => {
    const files = [file("/usr/bin/sh"), file("/bin/sh"), file("/usr/bin/sh"), file("/usr/bin/su", 0o4755), file("/usr/bin/su", 0o4755)];
    const surface = surfaceOf(files);
    expect(surface.shells).toEqual(["/bin/sh", "/usr/bin/sh"]);
    expect(surface.setuid).toEqual(["/usr/bin/su"]);
  });

  it("are all empty for a distroless-like image: one app, nothing else that counts", () => {
    expect(surfaceOf([dir("/app"), file("/app/server")])).toEqual({
      user: "65532",
      runsAsRoot: false,
      shells: [],
      packageManagers: [],
      setuid: [],
      setgid: [],
      worldWritable: [],
      capabilities: [],
      compilers: [],
      networkTools: [],
    });
  });
});
