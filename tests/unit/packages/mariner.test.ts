import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { marinerWants, readMariner } from "@/lib/packages/mariner";
import type { CatalogResult } from "@/lib/packages/types";
import { fixture, garbage, utf8 } from "@/tests/unit/packages/fixtures";
import { buildRpmRoot, rpmQueryAll, type RpmQueried } from "@/tests/unit/packages/rpm-oracle";

const MANIFEST = "/var/lib/rpmmanifest/container-manifest-2";
/** The query Azure Linux's image build writes the manifest with. */
const MANIFEST_FORMAT =
  "%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{INSTALLTIME}\\t%{BUILDTIME}\\t%{VENDOR}\\t%{EPOCH}\\t%{SIZE}\\t%{ARCH}\\t%{EPOCHNUM}\\t%{SOURCERPM}\\n";
const image = (text: string | Uint8Array) => new Map([[MANIFEST, typeof text === "string" ? utf8(text) : text]]);
const messages = (result: CatalogResult) => result.problems.map(({ message }) => message);
const line = (name: string, epoch = "(none)", arch = "x86_64") =>
  `${name}\t1.0-1.cm2\t1653816591\t1653628924\tMicrosoft Corporation\t${epoch}\t7596\t${arch}\t0\t${name}-1.0-1.cm2.src.rpm`;

let work: string;
let manifest: string;
let oracle: RpmQueried[];
beforeAll(() => {
  const built = buildRpmRoot();
  work = built.dir;
  const dbPath = join(built.root, "var/lib/rpm");
  manifest = execFileSync("rpm", ["--dbpath", dbPath, "-qa", "--qf", MANIFEST_FORMAT], { encoding: "utf8" });
  oracle = rpmQueryAll(dbPath);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("Azure Linux / CBL-Mariner container manifest", () => {
  it("wants container-manifest-2 only", () => {
    expect(marinerWants(MANIFEST)).toBe(true);
    expect(marinerWants("/var/lib/rpmmanifest/container-manifest-1")).toBe(false);
  });

  it("the fixture (syft's): names, [epoch:]version-release, architectures", () => {
    const result = readMariner(fixture("rpm-manifest", marinerWants));
    expect(result.problems).toEqual([]);
    expect(result.packages).toEqual([
      { type: "rpm", name: "mariner-release", version: "2.0-12.cm2", arch: "noarch", db: MANIFEST },
      { type: "rpm", name: "filesystem", version: "1.1-9.cm2", arch: "x86_64", db: MANIFEST },
      { type: "rpm", name: "glibc", version: "2.35-2.cm2", arch: "x86_64", db: MANIFEST },
      { type: "rpm", name: "openssl-libs", version: "1.1.1k-15.cm2", arch: "x86_64", db: MANIFEST },
      { type: "rpm", name: "vim", version: "2:9.0-1.cm2", arch: "x86_64", db: MANIFEST },
    ]);
  });

  it("a manifest written by rpm itself with Azure Linux's query: what rpm -qa says (the manifest lists no files)", () => {
    const result = readMariner(image(manifest));
    expect(result.problems).toEqual([]);
    expect(result.packages.map(({ name, version, arch }) => ({ name, version, arch }))).toEqual(
      oracle.map(({ name, version, arch }) => ({ name, version, arch })),
    );
    expect(result.packages.find(({ name }) => name === "porthole-gamma")?.version).toBe("0:2.0-0.rc1");
  });

  it("blank lines, CRLF endings and an absent arch are fine", () => {
    const result = readMariner(image(`${line("a")}\r\n\r\n${line("b", "3", "(none)")}\n`));
    expect(result).toEqual({
      packages: [
        { type: "rpm", name: "a", version: "1.0-1.cm2", arch: "x86_64", db: MANIFEST },
        { type: "rpm", name: "b", version: "3:1.0-1.cm2", db: MANIFEST },
      ],
      problems: [],
    });
  });
});

describe("container manifest: hostile and broken", () => {
  it("lines with the wrong number of columns, no name or a bad epoch are reported and skipped", () => {
    const result = readMariner(image([line("good"), "only\ttwo", line("bad", "x".repeat(500)), `${line("eleven")}\textra`].join("\n")));
    expect(result.packages.map(({ name }) => name)).toEqual(["good"]);
    expect(messages(result)).toEqual([
      "line 2 has 2 tab-separated columns, not 10: skipped",
      `line 3 (bad) has the epoch "${"x".repeat(64)}…", which is no number: skipped`,
      "line 4 has 11 tab-separated columns, not 10: skipped",
    ]);
    expect(messages(readMariner(image(line(" "))))).toEqual(["line 1 lacks a package name or version: skipped"]);
  });

  it("garbage and a file of bad lines: reported, bounded, never thrown", () => {
    expect(() => readMariner(image(garbage(100_000)))).not.toThrow();
    const result = readMariner(image("x\n".repeat(100_000)));
    expect(result.packages).toEqual([]);
    expect(result.problems).toHaveLength(21);
  });
});
