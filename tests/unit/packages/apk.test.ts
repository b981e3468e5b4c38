import { describe, expect, it } from "vitest";
import { apkWants, readApk } from "@/lib/packages/apk";
import { MAX_PACKAGES } from "@/lib/packages/text";
import type { CatalogResult } from "@/lib/packages/types";
import { fixture, garbage, spliced, text, utf8 } from "@/tests/unit/packages/fixtures";

const DB = "/lib/apk/db/installed";
const apk = (name: string) => fixture(name, apkWants);
const summary = ({ packages }: CatalogResult) => packages.map(({ name, version, arch }) => `${name} ${version} ${arch}`);
const image = (db: string | Uint8Array) => new Map([[DB, typeof db === "string" ? utf8(db) : db]]);

const ALPINE_316 = [
  "alpine-baselayout-data 3.2.0-r22 x86_64",
  "musl 1.2.3-r0 x86_64",
  "busybox 1.35.0-r17 x86_64",
  "alpine-baselayout 3.2.0-r22 x86_64",
  "alpine-keys 2.4-r1 x86_64",
  "ca-certificates-bundle 20220614-r0 x86_64",
  "libcrypto1.1 1.1.1q-r0 x86_64",
  "libssl1.1 1.1.1q-r0 x86_64",
  "ssl_client 1.35.0-r17 x86_64",
  "zlib 1.2.12-r3 x86_64",
  "apk-tools 2.12.9-r3 x86_64",
  "scanelf 1.3.4-r0 x86_64",
  "musl-utils 1.2.3-r0 x86_64",
  "libc-utils 0.7.2-r3 x86_64",
];

describe("apk: the real databases of the fixtures", () => {
  it("apk: names, versions, architectures, and the files under each F: directory", () => {
    expect(readApk(apk("apk"))).toEqual({
      packages: [
        { type: "apk", name: "bash", version: "5.2.21-r0", arch: "x86_64", db: DB, files: [] },
        { type: "apk", name: "busybox-binsh", version: "1.36.1-r15", arch: "x86_64", db: DB, files: ["/bin/sh"] },
        {
          type: "apk",
          name: "musl",
          version: "1.2.4_git20230717-r4",
          arch: "x86_64",
          db: DB,
          files: ["/lib/ld-musl-x86_64.so.1", "/lib/libc.musl-x86_64.so.1"],
        },
        { type: "apk", name: "readline", version: "8.2.1-r2", arch: "x86_64", db: DB, files: ["/etc/inputrc", "/usr/lib/libreadline.so.8"] },
      ],
      problems: [],
    });
  });

  it("apk-alpine316: all 14 packages of an Alpine 3.16 image", () => {
    const result = readApk(apk("apk-alpine316"));
    expect(result.problems).toEqual([]);
    expect(summary(result)).toEqual(ALPINE_316);
    const files = (name: string) => result.packages.find((p) => p.name === name)?.files;
    expect(files("ca-certificates-bundle")).toEqual(["/etc/ssl/cert.pem", "/etc/ssl/certs/ca-certificates.crt"]);
    expect(files("busybox")).toEqual([
      "/bin/busybox",
      "/bin/sh",
      "/etc/securetty",
      "/etc/udhcpd.conf",
      "/etc/logrotate.d/acpid",
      "/etc/network/if-up.d/dad",
      "/usr/share/udhcpc/default.script",
    ]);
    expect(files("alpine-keys")).toHaveLength(41);
  });

  it("apk-files: a package owning many files across many directories, the last line without a newline", () => {
    const result = readApk(apk("apk-files"));
    expect(result.problems).toEqual([]);
    expect(summary(result)).toEqual(["alpine-baselayout 3.2.0-r6 x86_64"]);
    const files = result.packages[0]?.files ?? [];
    expect(files).toHaveLength(27);
    expect(files.slice(0, 3)).toEqual(["/etc/fstab", "/etc/group", "/etc/hostname"]);
    expect(files).toContain("/etc/modprobe.d/kms.conf");
    expect(files).toContain("/lib/sysctl.d/00-alpine.conf");
    expect(files.at(-1)).toBe("/var/spool/cron/crontabs");
  });

  it("wants the database only", () => {
    expect(apkWants(DB)).toBe(true);
    expect(apkWants("/usr/lib/apk/db/installed")).toBe(true);
    expect(apkWants("/lib/apk/db/triggers")).toBe(false);
    expect(apkWants("/etc/apk/world")).toBe(false);
  });
});

describe("apk: hostile and broken databases", () => {
  const alpine316 = text(apk("apk-alpine316").get(DB));

  it("a package cut short: reported, the packages before it read", () => {
    const result = readApk(image(alpine316.slice(0, alpine316.indexOf("P:libc-utils") + "P:libc-utils\nV:".length)));
    expect(summary(result)).toEqual(ALPINE_316.slice(0, -1));
    expect(result.problems).toEqual([{ db: DB, message: expect.stringContaining("(libc-utils) has no V: (version) field") }]);
  });

  it("a 10 MB line: reported, the package kept when the line is a field not used, dropped when it is the name", () => {
    const huge = "x".repeat(10 * 1024 * 1024);
    const inDescription = readApk(image(alpine316.replace("T:Size optimized toolbox", `T:${huge}`)));
    expect(summary(inDescription)).toEqual(ALPINE_316);
    expect(inDescription.problems).toEqual([{ db: DB, message: expect.stringMatching(/^line \d+ is longer than/) }]);

    const inName = readApk(image(alpine316.replace("P:busybox\n", `P:${huge}\n`)));
    expect(summary(inName)).toEqual(ALPINE_316.filter((p) => !p.startsWith("busybox ")));
    expect(inName.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/is longer than/),
      expect.stringMatching(/has no P: \(name\) field: skipped$/),
    ]);
  });

  it("a package without P:, and lines that are no field: reported, the rest read", () => {
    const result = readApk(image(`V:1.0\nA:x86_64\n\nnot a field\n${alpine316}`));
    expect(summary(result)).toEqual(ALPINE_316);
    expect(result.problems.map((p) => p.message)).toEqual([
      "the package on line 1 has no P: (name) field: skipped",
      'line 4 is not a "<letter>:<value>" field',
    ]);
  });

  it("garbage bytes: problems for the database, and no throw", () => {
    for (const seed of [1, 2, 3]) {
      const result = readApk(image(garbage(64 * 1024, seed)));
      expect(result.packages).toEqual([]);
      expect(result.problems.length).toBeGreaterThan(0);
      expect(result.problems.every((p) => p.db === DB)).toBe(true);
    }
  });

  it("invalid UTF-8: reported once, every package still read", () => {
    const bytes = utf8(alpine316);
    const result = readApk(image(spliced(bytes, bytes.indexOf(0x0a) + 1, new Uint8Array([0x54, 0x3a, 0xc3, 0x28, 0x0a]))));
    expect(summary(result)).toEqual(ALPINE_316);
    expect(result.problems).toEqual([{ db: DB, message: expect.stringContaining("not valid UTF-8") }]);
  });

  it(`more than ${MAX_PACKAGES} packages: the first ${MAX_PACKAGES} read, the cap reported`, () => {
    const db = Array.from({ length: MAX_PACKAGES + 5 }, (_, i) => `P:p${i}\nV:1\n`).join("\n");
    const result = readApk(image(db));
    expect(result.packages).toHaveLength(MAX_PACKAGES);
    expect(result.problems).toEqual([{ db: DB, message: expect.stringContaining(`already holds ${MAX_PACKAGES} packages`) }]);
  });

  it("paths that climb out of the root stay inside it", () => {
    const result = readApk(image("P:evil\nV:1\nF:../../etc\nR:../shadow\n"));
    expect(result.packages[0]?.files).toEqual(["/shadow"]);
  });
});
