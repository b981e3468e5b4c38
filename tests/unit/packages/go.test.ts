import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { GoBuildInfoScanner, looksLikeExecutable, scanGoBuildInfo } from "@/lib/packages/go";
import { goCatalog, MAX_MODULE_INFO_BYTES, type GoBuildInfo, type GoScanResult } from "@/lib/packages/go-buildinfo";
import { prng, type Prng } from "@/tests/support/random";
import { garbage, utf8 } from "@/tests/unit/packages/fixtures";
import { goCommand, goVersionM, testBinary, type GoVersionM } from "@/tests/unit/packages/go-oracle";

/** Feeds `bytes` in chunks of random sizes (1…largest) into a reused buffer, overwritten after each write. */
function scanInChunks(bytes: Uint8Array, random: Prng, largest: number): GoScanResult {
  const scanner = new GoBuildInfoScanner();
  const buffer = new Uint8Array(largest);
  for (let at = 0; at < bytes.length && !scanner.done;) {
    const size = Math.min(1 + random.int(largest), bytes.length - at);
    buffer.set(bytes.subarray(at, at + size));
    scanner.write(buffer.subarray(0, size));
    buffer.fill(0xff); // the scanner must have copied what it keeps
    at += size;
  }
  return scanner.result();
}

/** go version -m's view of build information, to compare with what the scanner found. */
function asPrinted(info: GoBuildInfo): GoVersionM {
  // debug.BuildInfo.String: a sum column (maybe empty) unless the module is replaced, the => line following instead.
  const fields = (module: { path: string; version: string; sum?: string }, withSum: boolean) => [
    module.path,
    module.version,
    ...(withSum ? [module.sum ?? ""] : []),
  ];
  const quoted = (text: string) => (/[ \t\r\n"`]/.test(text) ? JSON.stringify(text) : text);
  return {
    goVersion: info.goVersion,
    path: info.path,
    ...(info.main ? { mod: fields(info.main, true) } : {}),
    deps: info.deps.map((dep) => ({ dep: fields(dep, !dep.replace), ...(dep.replace ? { replace: fields(dep.replace, true) } : {}) })),
    build: info.settings.map(({ key, value }) => `${quoted(key)}=${quoted(value)}`),
  };
}

const found = (result: GoScanResult) => {
  if (result.status !== "found") throw new Error(`expected build information, got ${JSON.stringify(result)}`);
  return result;
};

describe("Go build information: real binaries, go version -m as the oracle", () => {
  let app: { path: string; bytes: Uint8Array };
  beforeAll(() => {
    const path = testBinary();
    app = { path, bytes: new Uint8Array(readFileSync(path)) };
  }, 300_000);

  it("a module with a dependency replaced by a local directory: what go version -m prints", () => {
    const result = found(scanGoBuildInfo(app.bytes));
    expect(result.problems).toEqual([]);
    expect(asPrinted(result.info)).toEqual(goVersionM(app.path));
    expect(result.info.main).toEqual({ path: "example.com/porthole-app", version: "(devel)" });
    expect(result.info.deps).toEqual([{ path: "example.com/greeting", version: "v1.2.3", replace: { path: "../lib", version: "(devel)" } }]);
    expect(result.info.settings).toContainEqual({ key: "-ldflags", value: "-s -w" });
  });

  it("as packages: the main module owning the binary, the replacement, and the standard library at the Go version", () => {
    const result = found(scanGoBuildInfo(app.bytes));
    expect(goCatalog("/usr/local/bin/app", result)).toEqual({
      packages: [
        { type: "go", name: "example.com/porthole-app", version: "(devel)", db: "/usr/local/bin/app", files: ["/usr/local/bin/app"] },
        { type: "go", name: "../lib", version: "(devel)", db: "/usr/local/bin/app" },
        { type: "go", name: "stdlib", version: result.info.goVersion, db: "/usr/local/bin/app" },
      ],
      problems: [],
    });
    expect(result.info.goVersion).toMatch(/^go1\.\d+/);
  });

  it("the same answer however the file is cut into chunks, with the caller's buffer reused", () => {
    const whole = scanGoBuildInfo(app.bytes);
    for (const [seed, largest] of [
      [1, 1],
      [2, 20],
      [3, 300],
      [4, 4096],
      [5, 65536],
    ] as const) {
      expect(scanInChunks(app.bytes, prng(seed), largest), `seed ${seed}, chunks up to ${largest} bytes`).toEqual(whole);
    }
  });

  it("the go command: built without modules (and carrying debug/buildinfo's marker string as data too)", () => {
    const path = goCommand();
    const bytes = new Uint8Array(readFileSync(path));
    const result = found(scanInChunks(bytes, prng(9), 65536));
    expect(result.problems).toEqual([]);
    expect(asPrinted(result.info)).toEqual(goVersionM(path));
    expect(result.info.main).toBeUndefined();
    expect(goCatalog(path, result).packages).toEqual([{ type: "go", name: "stdlib", version: result.info.goVersion, db: path }]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Synthetic binaries.

const ELF = Uint8Array.of(0x7f, 0x45, 0x4c, 0x46);
const MAGIC = Uint8Array.of(0xff, ...utf8(" Go buildinf:"));
const START_SENTINEL = Uint8Array.of(0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6);
const END_SENTINEL = Uint8Array.of(0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2);

const concat = (...parts: Uint8Array[]) => {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((at, part) => (joined.set(part, at), at + part.length), 0);
  return joined;
};
const uvarint = (value: number) => {
  const bytes: number[] = [];
  for (; value >= 0x80; value = Math.floor(value / 128)) bytes.push((value % 128) | 0x80);
  return Uint8Array.of(...bytes, value);
};
const inline = (bytes: Uint8Array) => concat(uvarint(bytes.length), bytes);

/** The 32-byte header and the two inline strings, as the Go ≥ 1.18 linker writes them. */
function buildInfo({ goVersion = "go1.22.1", moduleInfo = "", flags = 2, pointerSize = 8 } = {}): Uint8Array {
  const header = new Uint8Array(32);
  header.set(MAGIC);
  header[14] = pointerSize;
  header[15] = flags;
  const framed = moduleInfo ? concat(START_SENTINEL, utf8(moduleInfo), END_SENTINEL) : new Uint8Array(0);
  return concat(header, inline(utf8(goVersion)), inline(framed));
}

/** An "executable": ELF's magic number, then `parts` each at the next 16-byte aligned offset after `gap` bytes. */
function executable(parts: Uint8Array[], { head = ELF, gap = 4096, tail = 100 } = {}): Uint8Array {
  const chunks: Uint8Array[] = [head];
  let length = head.length;
  for (const part of parts) {
    const padding = Math.ceil((length + gap) / 16) * 16 - length;
    chunks.push(new Uint8Array(padding), part);
    length += padding + part.length;
  }
  return concat(...chunks, new Uint8Array(tail));
}

const MODULE_INFO = [
  "path\texample.com/cmd/tool",
  "mod\texample.com\tv1.0.0\th1:main=",
  "dep\tgolang.org/x/text\tv0.14.0\th1:text=",
  "dep\tgithub.com/old/name\tv1.2.0\th1:old=",
  "=>\tgithub.com/new/name\tv1.3.0\th1:new=",
  "",
  'build\t"odd key"="value with spaces"',
  "build\tGOOS=linux",
  "",
].join("\n");

describe("Go build information: synthetic binaries", () => {
  it("reads every kind of line: path, main module, dependencies, a replacement, quoted build settings", () => {
    const result = found(scanGoBuildInfo(executable([buildInfo({ moduleInfo: MODULE_INFO })])));
    expect(result).toEqual({
      status: "found",
      info: {
        goVersion: "go1.22.1",
        path: "example.com/cmd/tool",
        main: { path: "example.com", version: "v1.0.0", sum: "h1:main=" },
        deps: [
          { path: "golang.org/x/text", version: "v0.14.0", sum: "h1:text=" },
          {
            path: "github.com/old/name",
            version: "v1.2.0",
            sum: "h1:old=",
            replace: { path: "github.com/new/name", version: "v1.3.0", sum: "h1:new=" },
          },
        ],
        settings: [
          { key: "odd key", value: "value with spaces" },
          { key: "GOOS", value: "linux" },
        ],
      },
      problems: [],
    });
    expect(goCatalog("/bin/tool", result).packages.map(({ name, version }) => `${name} ${version}`)).toEqual([
      "example.com v1.0.0",
      "golang.org/x/text v0.14.0",
      "github.com/new/name v1.3.0",
      "stdlib go1.22.1",
    ]);
  });

  it("module information without its sentinels holds nothing (as debug/buildinfo reads it): the standard library only", () => {
    const block = concat(buildInfo().subarray(0, 32), inline(utf8("go1.21.0")), inline(utf8("path\tx\nmod\tx\tv1\t\n")));
    const result = found(scanGoBuildInfo(executable([block])));
    expect(result.info).toEqual({ goVersion: "go1.21.0", path: "", deps: [], settings: [] });
    expect(goCatalog("/x", result).packages).toEqual([{ type: "go", name: "stdlib", version: "go1.21.0", db: "/x" }]);
  });

  it("a replacement without a version (a local directory, as older Go writes it) is (devel)", () => {
    const moduleInfo = "path\tx\nmod\tx\t(devel)\t\ndep\texample.com/a\tv1.0.0\n=>\t../a\t\t\n";
    const result = found(scanGoBuildInfo(executable([buildInfo({ moduleInfo })])));
    expect(result.info.deps).toEqual([{ path: "example.com/a", version: "v1.0.0", replace: { path: "../a", version: "" } }]);
    expect(goCatalog("/x", result).packages.map(({ name, version }) => `${name} ${version}`)).toEqual([
      "x (devel)",
      "../a (devel)",
      "stdlib go1.22.1",
    ]);
  });

  it("malformed module information lines are reported and skipped, the rest kept", () => {
    const moduleInfo = ["=>\torphan\tv1", "dep\tonly-a-path", "mystery\tline", "build\tno-equals", "dep\tgood\tv1.0.0", ""].join("\n");
    const result = found(scanGoBuildInfo(executable([buildInfo({ moduleInfo })])));
    expect(result.info.deps).toEqual([{ path: "good", version: "v1.0.0" }]);
    expect(result.problems).toEqual([
      "build information line 1 replaces no module: skipped",
      "build information line 2 is not a path, module or build setting line: skipped",
      "build information line 3 is not a path, module or build setting line: skipped",
      'build information line 4 is a build setting without "="',
    ]);
  });

  it("a marker that turns out not to be build information is skipped for the real one after it", () => {
    const falseMarker = concat(MAGIC, utf8("\0\0client finished"));
    const result = found(scanGoBuildInfo(executable([falseMarker, buildInfo({ moduleInfo: MODULE_INFO })])));
    expect(result.info.path).toBe("example.com/cmd/tool");
  });

  /** An ELF file (64- or 32-bit, either byte order) whose writable segment starts at DATA_START, with the real build information there. */
  const DATA_START = 0x4000;
  function elfWithEmbedded(embedded: Uint8Array, real: Uint8Array, { is64 = true, little = true } = {}): Uint8Array {
    const bytes = new Uint8Array(DATA_START + real.length + 64);
    const view = new DataView(bytes.buffer);
    bytes.set([...ELF, is64 ? 2 : 1, little ? 1 : 2, 1]);
    const [tableStart, entrySize] = is64 ? [64, 56] : [52, 32];
    if (is64) view.setBigUint64(0x20, BigInt(tableStart), little);
    else view.setUint32(0x1c, tableStart, little);
    view.setUint16(is64 ? 0x36 : 0x2a, entrySize, little);
    view.setUint16(is64 ? 0x38 : 0x2c, 2, little);
    for (const [index, flags, offset] of [
      [0, 5, 0], // LOAD R+X: text and read-only data
      [1, 6, DATA_START], // LOAD R+W: data, .go.buildinfo first
    ]) {
      const entry = tableStart + (index as number) * entrySize;
      view.setUint32(entry, 1, little);
      view.setUint32(entry + (is64 ? 4 : 24), flags as number, little);
      if (is64) view.setBigUint64(entry + 8, BigInt(offset as number), little);
      else view.setUint32(entry + 4, offset as number, little);
    }
    bytes.set(embedded, 0x2000);
    bytes.set(real, DATA_START);
    return bytes;
  }

  it("ELF: the search starts at the data segment, past other binaries' build information embedded in read-only data", () => {
    const embedded = buildInfo({ moduleInfo: "path\tembedded/tool\n" });
    const real = buildInfo({ moduleInfo: MODULE_INFO });
    for (const layout of [
      { is64: true, little: true },
      { is64: false, little: false },
    ]) {
      const bytes = elfWithEmbedded(embedded, real, layout);
      expect(found(scanInChunks(bytes, prng(3), 100)).info.path, JSON.stringify(layout)).toBe("example.com/cmd/tool");
      bytes[4] = 0; // no ELF class: the program headers cannot be read, so the whole file is searched
      expect(found(scanGoBuildInfo(bytes)).info.path).toBe("embedded/tool");
    }
  });

  it("a marker off the 16-byte alignment the linker keeps is not build information", () => {
    const bytes = executable([buildInfo({ moduleInfo: MODULE_INFO })]);
    expect(scanGoBuildInfo(concat(ELF, Uint8Array.of(0, 0, 0), bytes.subarray(4)))).toEqual({ status: "no-build-info" });
  });

  it("only executables are scanned: ELF, Mach-O and PE", () => {
    const block = buildInfo({ moduleInfo: MODULE_INFO });
    expect(scanGoBuildInfo(executable([block], { head: utf8("#!/bin/sh\n") }))).toEqual({ status: "not-executable" });
    expect(goCatalog("/script", { status: "not-executable" })).toEqual({ packages: [], problems: [] });
    for (const head of [
      ELF,
      Uint8Array.of(0xcf, 0xfa, 0xed, 0xfe),
      Uint8Array.of(0xfe, 0xed, 0xfa, 0xcf),
      Uint8Array.of(0xca, 0xfe, 0xba, 0xbe),
      utf8("MZ\x90\0"),
    ]) {
      expect(looksLikeExecutable(head)).toBe(true);
      expect(scanGoBuildInfo(executable([block], { head })).status).toBe("found");
    }
    expect(looksLikeExecutable(utf8("\x7fEL"))).toBe(false);
    expect(scanGoBuildInfo(utf8("MZ"))).toEqual({ status: "no-build-info" });
    expect(scanGoBuildInfo(utf8("M"))).toEqual({ status: "not-executable" });
  });
});

describe("Go build information: hostile and broken", () => {
  const unreadable = (bytes: Uint8Array) => {
    const result = scanGoBuildInfo(bytes);
    if (result.status !== "unreadable") throw new Error(`expected a problem, got ${JSON.stringify(result)}`);
    // Whatever the cut, the chunked scan says the same.
    expect(scanInChunks(bytes, prng(bytes.length), 7)).toEqual(result);
    return result.problem;
  };

  it("a marker at the very end of the file, or build information cut short, is reported", () => {
    const atEnd = executable([MAGIC], { tail: 0 });
    expect(unreadable(atEnd)).toMatch(/^the Go build information at byte \d+ is cut off by the end of the file$/);
    const block = buildInfo({ moduleInfo: MODULE_INFO });
    for (const cut of [20, 33, 40, block.length - 1]) {
      expect(unreadable(executable([block.subarray(0, cut)], { tail: 0 }))).toMatch(/is cut off by the end of the file$/);
    }
  });

  it("Go older than 1.18 (pointers, not inline strings) is reported as unsupported", () => {
    const old = buildInfo({ flags: 0 });
    old.set(Uint8Array.of(0x10, 0x20, 0x30, 0x40), 16); // a pointer where the padding would be
    expect(unreadable(executable([old]))).toBe("was built by Go older than 1.18, whose build information (pointers into the binary) is not read");
  });

  it("absurd lengths are refused before anything is allocated", () => {
    const header = buildInfo().subarray(0, 32);
    const huge = concat(header, inline(utf8("go1.22.1")), uvarint(2 ** 40));
    expect(unreadable(executable([huge]))).toMatch(
      new RegExp(`claims 1099511627776 bytes of module information, more than the ${MAX_MODULE_INFO_BYTES} read$`),
    );
    const longVersion = concat(header, uvarint(5000), new Uint8Array(5000));
    expect(unreadable(executable([longVersion]))).toMatch(/claims 5000 bytes of Go version, more than the 1024 read$/);
    const endless = concat(header, new Uint8Array(12).fill(0xff));
    expect(unreadable(executable([endless]))).toMatch(/has an impossible length for its Go version$/);
    expect(unreadable(executable([buildInfo({ goVersion: "not go" })]))).toMatch(/names the Go version "not go"$/);
  });

  it("a flood of false markers ends the scan with a problem", () => {
    const falseMarkers = Array.from({ length: 100 }, () => concat(MAGIC, new Uint8Array(18)));
    expect(unreadable(executable([...falseMarkers, buildInfo()], { gap: 0 }))).toBe(
      "more than 64 Go build information markers are not build information",
    );
  });

  it("garbage executables: never thrown, and 64 MB stream through in bounded time", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const bytes = concat(ELF, garbage(50_000, seed));
      // Sprinkle aligned markers with random headers into the garbage.
      for (let at = 16 * (1 + (seed % 7)); at + 32 < bytes.length; at += 16 * 97) bytes.set(MAGIC, at);
      expect(() => scanInChunks(bytes, prng(seed), 5000)).not.toThrow();
    }
    const scanner = new GoBuildInfoScanner();
    const chunk = new Uint8Array(1 << 20).fill(0xff);
    chunk.set(ELF);
    const started = performance.now();
    for (let i = 0; i < 64; i++) scanner.write(chunk);
    expect(scanner.result()).toEqual({ status: "no-build-info" });
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
