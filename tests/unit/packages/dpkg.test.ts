import { describe, expect, it } from "vitest";
import { dpkgWants, readDpkg } from "@/lib/packages/dpkg";
import { MAX_DATABASE_BYTES, MAX_PACKAGES } from "@/lib/packages/text";
import type { CatalogResult } from "@/lib/packages/types";
import { fixture, garbage, text, utf8 } from "@/tests/unit/packages/fixtures";

const STATUS = "/var/lib/dpkg/status";
const deb = (name: string) => fixture(name, dpkgWants);
const summary = ({ packages }: CatalogResult) => packages.map(({ name, version, arch }) => `${name} ${version} ${arch}`);
const dbsWithProblems = ({ problems }: CatalogResult) => [...new Set(problems.map((problem) => problem.db))];
/** An image whose status file is `status`, plus `more` files. */
const image = (status: string | Uint8Array, more: Record<string, string | Uint8Array> = {}) =>
  new Map(Object.entries({ [STATUS]: status, ...more }).map(([path, content]) => [path, typeof content === "string" ? utf8(content) : content]));
const installed = (name: string, version = "1.0", extra = "") =>
  `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n${extra}\n`;

const BOOKWORM = [
  "coreutils 9.1-1 arm64",
  "libacl1 2.3.1-3 arm64",
  "libc6 2.36-9+deb12u1 arm64",
  "libgcc-s1 12.2.0-14 arm64",
  "gcc-12-base 12.2.0-14 arm64",
  "libattr1 1:2.5.1-4 arm64",
  "libgmp10 2:6.2.1+dfsg1-1.1 arm64",
  "libselinux1 3.4-1+b6 arm64",
  "libpcre2-8-0 10.42-1 arm64",
];

describe("dpkg: the real databases of the fixtures", () => {
  it("deb: one installed package after an empty stanza, owning its .md5sums paths (made absolute) and its conffiles", () => {
    expect(readDpkg(deb("deb"))).toEqual({
      packages: [
        {
          type: "deb",
          name: "libpam-runtime",
          version: "1.1.8-3.6",
          arch: "all",
          db: STATUS,
          files: [
            "/lib/x86_64-linux-gnu/libz.so.1.2.11",
            "/usr/share/doc/zlib1g/changelog.Debian.gz",
            "/usr/share/doc/zlib1g/changelog.gz",
            "/usr/share/doc/zlib1g/copyright",
            "/etc/pam.conf",
            "/etc/pam.d/other",
          ],
        },
      ],
      problems: [],
    });
  });

  it("deb-multi: skips stanzas without a Status (the empty one, no-version), reads the installed ones with their conffiles", () => {
    const result = readDpkg(deb("deb-multi"));
    expect(result.problems).toEqual([]);
    expect(summary(result)).toEqual(["tzdata 2020a-0+deb10u1 all", "util-linux 2.33.1-0.1 amd64"]);
    const [tzdata, utilLinux] = result.packages;
    expect(tzdata?.files).toBeUndefined(); // no .list, no .md5sums, no conffiles: the database records none
    expect(utilLinux?.files).toEqual([
      "/etc/default/hwclock",
      "/etc/init.d/hwclock.sh",
      "/etc/pam.d/runuser",
      "/etc/pam.d/runuser-l",
      "/etc/pam.d/su",
      "/etc/pam.d/su-l",
    ]);
  });

  it("deb-bookworm: every package of a Debian 12 status file, epochs and binNMU versions as written", () => {
    const result = readDpkg(deb("deb-bookworm"));
    expect(result.problems).toEqual([]);
    expect(summary(result)).toEqual(BOOKWORM);
    expect(result.packages.every((p) => p.type === "deb" && p.db === STATUS)).toBe(true);
  });

  it("deb-distroless: a status.d stanza without Status is installed, owning its status.d .md5sums paths", () => {
    const files = deb("deb-distroless");
    expect([...files.keys()].sort()).toEqual(["/var/lib/dpkg/status.d/libsqlite3-0", "/var/lib/dpkg/status.d/libsqlite3-0.md5sums"]); // not the .preinst
    expect(readDpkg(files)).toEqual({
      packages: [
        {
          type: "deb",
          name: "libsqlite3-0",
          version: "3.34.1-3",
          arch: "arm64",
          db: "/var/lib/dpkg/status.d/libsqlite3-0",
          files: [
            "/usr/lib/aarch64-linux-gnu/libsqlite3.so.0.8.6",
            "/usr/share/doc/libsqlite3-0/README.Debian",
            "/usr/share/doc/libsqlite3-0/changelog.Debian.gz",
            "/usr/share/doc/libsqlite3-0/changelog.gz",
            "/usr/share/doc/libsqlite3-0/changelog.html.gz",
            "/usr/share/doc/libsqlite3-0/copyright",
          ],
        },
      ],
      problems: [],
    });
  });

  it("deb-mixed: reads the status file and the status.d files together, each package naming its own database", () => {
    const result = readDpkg(deb("deb-mixed"));
    expect(result.problems).toEqual([]);
    expect(result.packages.map(({ name, version, arch, db }) => ({ name, version, arch, db }))).toEqual([
      { name: "apt", version: "1.8.2", arch: "amd64", db: STATUS },
      { name: "dash", version: "0.5.8-2.4", arch: "amd64", db: "/var/lib/dpkg/status.d/dash" },
      { name: "netbase", version: "5.4", arch: "all", db: "/var/lib/dpkg/status.d/netbase" },
    ]);
    expect(result.packages[0]?.files).toEqual([
      "/etc/apt/apt.conf.d/01autoremove",
      "/etc/cron.daily/apt-compat",
      "/etc/kernel/postinst.d/apt-auto-removal",
      "/etc/logrotate.d/apt",
    ]);
  });
});

describe("dpkg: which files it wants", () => {
  it.each([
    [STATUS, true],
    ["/var/lib/dpkg/info/libc6:amd64.list", true],
    ["/var/lib/dpkg/info/bash.md5sums", true],
    ["/var/lib/dpkg/status.d/libc6", true],
    ["/var/lib/dpkg/status.d/python3.11", true],
    ["/var/lib/dpkg/status.d/libc6.md5sums", true],
    ["/var/lib/dpkg/status-old", false],
    ["/var/lib/dpkg/info/bash.postinst", false],
    ["/var/lib/dpkg/info/bash.conffiles", false],
    ["/var/lib/dpkg/info/sub/bash.list", false],
    ["/var/lib/dpkg/status.d/libc6.preinst", false],
    ["/var/lib/dpkg/status.d/sub/libc6", false],
    ["/var/lib/dpkg/status.d/", false],
    ["/usr/var/lib/dpkg/status", false],
    ["/etc/passwd", false],
  ])("%s → %s", (path, wanted) => {
    expect(dpkgWants(path)).toBe(wanted);
  });
});

describe("dpkg: stanzas", () => {
  it("takes a package as installed by dpkg's state, whatever the selection: hold and deinstall too, not config-files", () => {
    const status = [
      installed("held").replace("install ok", "hold ok"),
      installed("leaving").replace("install ok", "deinstall ok"),
      installed("removed").replace("install ok installed", "deinstall ok config-files"),
      installed("purged").replace("install ok installed", "purge ok not-installed"),
      installed("unpacked").replace("installed", "unpacked"),
    ].join("");
    const result = readDpkg(image(status));
    expect(result.problems).toEqual([]);
    expect(result.packages.map((p) => p.name)).toEqual(["held", "leaving"]);
  });

  it("reads field names in any case, continuation lines, CRLF line endings and blank lines of spaces between stanzas", () => {
    const status =
      "package: a\r\nSTATUS: install ok installed\r\nversion: 1:2.0-1\r\nDescription: x\r\n more\r\n \t\r\nPackage: b\nStatus: install ok installed\nVersion: 3\n";
    expect(summary(readDpkg(image(status)))).toEqual(["a 1:2.0-1 undefined", "b 3 undefined"]);
  });

  it("takes the first of a repeated field, and leaves out an empty Architecture", () => {
    const status = "Package: a\nStatus: install ok installed\nVersion: 1\nVersion: 2\nArchitecture:\n";
    expect(readDpkg(image(status)).packages).toEqual([{ type: "deb", name: "a", version: "1", db: STATUS }]);
  });
});

describe("dpkg: owned files", () => {
  it("prefers info/<name>:<arch>.list, adds .md5sums and conffiles once each, drops the root and resolves ..", () => {
    const files = image(installed("libc6", "2.36", "Conffiles:\n /etc/ld.so.conf.d/x.conf 0123 obsolete\n /etc/with space.conf 4567\n"), {
      "/var/lib/dpkg/info/libc6:amd64.list": "/.\n/etc\n/etc/ld.so.conf.d/x.conf\n/usr/lib/libc.so.6\n",
      "/var/lib/dpkg/info/libc6.list": "/wrong\n",
      "/var/lib/dpkg/info/libc6:amd64.md5sums":
        "0123456789abcdef0123456789abcdef  usr/lib/libc.so.6\n0123456789abcdef0123456789abcdef *usr/lib/../share/doc/libc6/copyright\n",
    });
    expect(readDpkg(files)).toEqual({
      packages: [
        {
          type: "deb",
          name: "libc6",
          version: "2.36",
          arch: "amd64",
          db: STATUS,
          files: ["/etc", "/etc/ld.so.conf.d/x.conf", "/usr/lib/libc.so.6", "/usr/share/doc/libc6/copyright", "/etc/with space.conf"],
        },
      ],
      problems: [],
    });
  });

  it("falls back to info/<name>.list for an Architecture: all package", () => {
    const files = image(installed("tzdata").replace("amd64", "all"), { "/var/lib/dpkg/info/tzdata.list": "/.\n/usr/share/zoneinfo\n" });
    expect(readDpkg(files).packages[0]?.files).toEqual(["/usr/share/zoneinfo"]);
  });

  it("reports malformed .list and .md5sums lines against that file and keeps the rest", () => {
    const files = image(installed("bash"), {
      "/var/lib/dpkg/info/bash.list": "/bin/bash\nrelative/path\n",
      "/var/lib/dpkg/info/bash.md5sums": "not a sum\n0123456789abcdef0123456789abcdef  usr/share/doc/bash/copyright\n",
    });
    const result = readDpkg(files);
    expect(result.packages[0]?.files).toEqual(["/bin/bash", "/usr/share/doc/bash/copyright"]);
    expect(dbsWithProblems(result)).toEqual(["/var/lib/dpkg/info/bash.list", "/var/lib/dpkg/info/bash.md5sums"]);
  });
});

describe("dpkg: hostile and broken databases", () => {
  const bookworm = text(deb("deb-bookworm").get(STATUS));

  it("a stanza cut short: reported, the packages before it read", () => {
    for (const cut of [
      "Package: libpcre2-8-0\nStatus: install ok installed\nPriority: opt",
      "Package: libpcre2-8-0\nStatus: install ok inst",
      "Package: libpcre2-8-0\nSta",
    ]) {
      const result = readDpkg(image(bookworm.slice(0, bookworm.indexOf("Package: libpcre2-8-0")) + cut));
      expect(summary(result), cut).toEqual(BOOKWORM.slice(0, -1));
      expect(result.problems.length, cut).toBeGreaterThan(0);
      expect(dbsWithProblems(result)).toEqual([STATUS]);
    }
  });

  it("a 10 MB line: reported and cut, its stanza kept when the line is a field not used, dropped when it is the Package", () => {
    const huge = "x".repeat(10 * 1024 * 1024);
    const inDescription = readDpkg(image(bookworm.replace("Priority: required", `Description: ${huge}\n ${huge}`)));
    expect(summary(inDescription)).toEqual(BOOKWORM);
    expect(inDescription.problems).toHaveLength(2);
    expect(inDescription.problems[0]?.message).toMatch(/^line 4 is longer than/);

    const inPackage = readDpkg(image(bookworm.replace("Package: coreutils", `Package: ${huge}`)));
    expect(summary(inPackage)).toEqual(BOOKWORM.slice(1));
    expect(inPackage.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^line 1 is longer than/),
      "the stanza on line 1 has no Package field: skipped",
    ]);
  });

  it("a stanza without Package, or with a name or version dpkg would not write: reported and skipped", () => {
    const status = `Status: install ok installed\nVersion: 1\n\n${installed("bad name")}${installed("a", "1 2")}${bookworm}`;
    const result = readDpkg(image(status));
    expect(summary(result)).toEqual(BOOKWORM);
    expect(result.problems.map((p) => p.message)).toEqual([
      "the stanza on line 1 has no Package field: skipped",
      'the stanza on line 4 names its package "bad name", which is no dpkg package name: skipped',
      'the stanza on line 9 (a) has the version "1 2", which is no dpkg version: skipped',
    ]);
  });

  it("garbage bytes as the status file: problems for it, a status.d database still read", () => {
    for (const seed of [1, 2, 3]) {
      const result = readDpkg(image(garbage(64 * 1024, seed), { "/var/lib/dpkg/status.d/base": installed("base-files", "12.4") }));
      expect(summary(result)).toEqual(["base-files 12.4 amd64"]);
      expect(dbsWithProblems(result)).toEqual([STATUS]);
    }
  });

  it("invalid UTF-8 in a field: reported once, every package still read", () => {
    const status = utf8(bookworm.replace("Michael Stone", "Michael St\u0000ne"));
    status[status.indexOf(0)] = 0xff;
    const result = readDpkg(image(status));
    expect(summary(result)).toEqual(BOOKWORM);
    expect(result.problems).toEqual([{ db: STATUS, message: expect.stringContaining("not valid UTF-8") }]);
  });

  it(`more than ${MAX_PACKAGES} stanzas: the first ${MAX_PACKAGES} read, the cap reported`, () => {
    const status = Array.from({ length: MAX_PACKAGES + 5 }, (_, i) => `Package: p${i}\nStatus: install ok installed\nVersion: 1\n`).join("\n");
    const result = readDpkg(image(status, { "/var/lib/dpkg/status.d/late": installed("late") }));
    expect(result.packages).toHaveLength(MAX_PACKAGES);
    expect(result.packages.at(-1)?.name).toBe(`p${MAX_PACKAGES - 1}`);
    expect(dbsWithProblems(result)).toEqual([STATUS, "/var/lib/dpkg/status.d/late"]);
  });

  it("problems are capped per database: a file broken on every line yields a bounded list", () => {
    const result = readDpkg(image("no field here\n".repeat(10_000)));
    expect(result.problems.length).toBeLessThanOrEqual(21);
    expect(result.problems.at(-1)?.message).toMatch(/the rest are not listed/);
  });

  it("a status file larger than any real one is not read, and says so", () => {
    const result = readDpkg(image(new Uint8Array(MAX_DATABASE_BYTES + 1), { "/var/lib/dpkg/status.d/base": installed("base-files") }));
    expect(summary(result)).toEqual(["base-files 1.0 amd64"]);
    expect(result.problems).toEqual([{ db: STATUS, message: expect.stringMatching(/more than the \d+ read: not read$/) }]);
  });
});
