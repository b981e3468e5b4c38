import { describe, expect, it } from "vitest";
import { readRpmHeader, TAG } from "@/lib/packages/rpm-header";
import { garbage } from "@/tests/unit/packages/fixtures";

const DB = "/var/lib/rpm/rpmdb.sqlite";
const TYPE = { int32: 4, string: 6, stringArray: 8, i18nString: 9 } as const;

type Value = number[] | string | string[];
interface Entry {
  tag: number;
  type: number;
  value: Value;
  /** Overrides what is written in the index entry, to lie about the data. */
  offset?: number;
  count?: number;
}

/** An rpm header blob as the database stores it (no magic), built from entries, big-endian. */
function rpmHeader(entries: Entry[]): Uint8Array {
  const data: number[] = [];
  const index: number[][] = [];
  for (const { tag, type, value, offset, count } of entries) {
    if (type === TYPE.int32) while (data.length % 4 !== 0) data.push(0);
    const start = data.length;
    const values = typeof value === "string" ? [value] : value;
    for (const item of values) {
      if (typeof item === "number") data.push((item >>> 24) & 255, (item >>> 16) & 255, (item >>> 8) & 255, item & 255);
      else data.push(...new TextEncoder().encode(item), 0);
    }
    index.push([tag, type, offset ?? start, count ?? values.length]);
  }
  const blob = new Uint8Array(8 + 16 * index.length + data.length);
  const view = new DataView(blob.buffer);
  view.setUint32(0, index.length);
  view.setUint32(4, data.length);
  index.forEach((fields, i) => fields.forEach((field, j) => view.setInt32(8 + 16 * i + 4 * j, field)));
  blob.set(data, 8 + 16 * index.length);
  return blob;
}

const nevra = (epoch?: number): Entry[] => [
  { tag: TAG.name, type: TYPE.string, value: "bash" },
  ...(epoch === undefined ? [] : [{ tag: TAG.epoch, type: TYPE.int32, value: [epoch] }]),
  { tag: TAG.version, type: TYPE.string, value: "5.1.8" },
  { tag: TAG.release, type: TYPE.string, value: "9.el9" },
  { tag: TAG.arch, type: TYPE.string, value: "x86_64" },
];
const fileList = (dirNames: string[], dirIndexes: number[], baseNames: string[]): Entry[] => [
  { tag: TAG.dirIndexes, type: TYPE.int32, value: dirIndexes },
  { tag: TAG.baseNames, type: TYPE.stringArray, value: baseNames },
  { tag: TAG.dirNames, type: TYPE.stringArray, value: dirNames },
];

describe("rpm header blobs", () => {
  it("reads name, [epoch:]version-release, arch and the directory + base name file list", () => {
    const blob = rpmHeader([...nevra(2), ...fileList(["/usr/bin/", "/etc/"], [0, 1, 0], ["bash", "bashrc", "sh"])]);
    expect(readRpmHeader(blob, DB)).toEqual({
      package: {
        type: "rpm",
        name: "bash",
        version: "2:5.1.8-9.el9",
        arch: "x86_64",
        db: DB,
        files: ["/usr/bin/bash", "/etc/bashrc", "/usr/bin/sh"],
      },
      problems: [],
    });
  });

  it("writes no epoch when the header has none, and epoch 0 when it has 0 (as rpm's %{EVR})", () => {
    expect(readRpmHeader(rpmHeader(nevra()), DB).package?.version).toBe("5.1.8-9.el9");
    expect(readRpmHeader(rpmHeader(nevra(0)), DB).package?.version).toBe("0:5.1.8-9.el9");
  });

  it("reads the old full-path file list, drops duplicate paths, and leaves out an absent arch (gpg-pubkey)", () => {
    const blob = rpmHeader([
      { tag: TAG.name, type: TYPE.string, value: "gpg-pubkey" },
      { tag: TAG.version, type: TYPE.string, value: "fd431d51" },
      { tag: TAG.release, type: TYPE.string, value: "4ae0493b" },
      { tag: TAG.oldFilenames, type: TYPE.stringArray, value: ["/a", "/b", "/a"] },
    ]);
    expect(readRpmHeader(blob, DB).package).toEqual({ type: "rpm", name: "gpg-pubkey", version: "fd431d51-4ae0493b", db: DB, files: ["/a", "/b"] });
  });

  it("takes the first string of an i18n string, and the later of two entries for a tag (rpm appends changed ones)", () => {
    const blob = rpmHeader([
      { tag: TAG.name, type: TYPE.i18nString, value: ["bash", "bash-de"] },
      { tag: TAG.version, type: TYPE.string, value: "1" },
      { tag: TAG.release, type: TYPE.string, value: "1" },
      { tag: TAG.arch, type: TYPE.string, value: "noarch" },
      { tag: TAG.arch, type: TYPE.string, value: "x86_64" },
    ]);
    expect(readRpmHeader(blob, DB).package).toMatchObject({ name: "bash", version: "1-1", arch: "x86_64", files: [] });
  });
});

describe("rpm header blobs: hostile and broken", () => {
  const problemsOf = (blob: Uint8Array) => readRpmHeader(blob, DB);

  it("a blob shorter than its intro, or than the index and data it claims, is reported", () => {
    expect(problemsOf(new Uint8Array(5))).toEqual({ package: null, problems: ["the header is 5 bytes, shorter than its 8-byte intro"] });
    const blob = rpmHeader(nevra());
    expect(problemsOf(blob.subarray(0, blob.length - 1)).problems[0]).toMatch(/^the header is truncated: it needs \d+ bytes, the record holds \d+$/);
  });

  it("absurd entry counts and data lengths are refused before anything is allocated", () => {
    const blob = new Uint8Array(16);
    const view = new DataView(blob.buffer);
    view.setUint32(0, 0xffffffff);
    expect(problemsOf(blob).problems).toEqual(["the header claims 4294967295 index entries"]);
    view.setUint32(0, 1);
    view.setUint32(4, 0xfffffff0);
    expect(problemsOf(blob).problems).toEqual(["the header claims 4294967280 bytes of data"]);
    view.setUint32(0, 0);
    expect(problemsOf(blob).problems).toEqual(["the header claims 0 index entries"]);
  });

  it("offsets outside the data, strings without their NUL and huge counts read as absent, never past the blob", () => {
    const lies = rpmHeader([
      { tag: TAG.name, type: TYPE.string, value: "bash" },
      { tag: TAG.version, type: TYPE.string, value: "1", offset: 1_000_000 },
      { tag: TAG.release, type: TYPE.string, value: "2", offset: -5 },
      { tag: TAG.epoch, type: TYPE.int32, value: [1], count: 0x7fffffff },
      { tag: TAG.oldFilenames, type: TYPE.stringArray, value: ["/x"], count: 0x7fffffff },
    ]);
    expect(problemsOf(lies)).toEqual({
      package: { type: "rpm", name: "bash", version: "", db: DB },
      problems: ["bash: its file list (old file names) is unreadable"],
    });
    const noNul = rpmHeader([{ tag: TAG.name, type: TYPE.string, value: "bash" }]);
    noNul[noNul.length - 1] = 0x41;
    expect(problemsOf(noNul)).toEqual({ package: null, problems: ["the header has no package name"] });
  });

  it("an inconsistent file list is reported and left out, the package kept", () => {
    const mismatch = rpmHeader([...nevra(), ...fileList(["/usr/bin/"], [0], ["a", "b"])]);
    expect(problemsOf(mismatch)).toMatchObject({
      package: { name: "bash", version: "5.1.8-9.el9" },
      problems: ["bash: its file list has 2 base names but 1 directory indexes"],
    });
    expect(problemsOf(mismatch).package?.files).toBeUndefined();
    const outOfRange = rpmHeader([...nevra(), ...fileList(["/usr/bin/"], [0, 7], ["a", "b"])]);
    expect(problemsOf(outOfRange).problems).toEqual(["bash: its file list points at directory 7 of 1"]);
    const wrongType = rpmHeader([...nevra(), { tag: TAG.baseNames, type: TYPE.string, value: "a" }]);
    expect(problemsOf(wrongType).problems).toEqual(["bash: its file list (base names, directories, directory indexes) is unreadable"]);
  });

  it("garbage is reported, never thrown", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const entries = 1 + (seed % 4);
      const bytes = garbage(8 + 16 * entries + (seed % 97), seed);
      // A plausible intro, so the index and data readers see the garbage.
      new DataView(bytes.buffer).setUint32(0, entries);
      new DataView(bytes.buffer).setUint32(4, seed % 97);
      expect(() => readRpmHeader(bytes, DB)).not.toThrow();
    }
  });
});
