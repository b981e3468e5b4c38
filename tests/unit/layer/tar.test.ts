/**
 * lib/layer/tar.ts against Go's archive/tar, the reader Docker, containerd, BuildKit and dive unpack
 * layers with. Every archive here is read by both, fed to ours in chunks of random sizes: the same
 * entries (names byte for byte, types, sizes, modes, owners, times, link names, capabilities, the
 * data's digest) and the same ending, clean or refused. The archives: what real writers make (GNU tar
 * in each of its formats, bsdtar, Python's tarfile) and, rule by rule, the edge cases of tar.ts.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nameOfBytes } from "@/lib/core/names";
import { paxRecords, readTar } from "@/lib/layer/tar";
import { goTarListing, type GoTarEntry } from "@/tests/support/go-tar";
import { chunked, prng } from "@/tests/support/random";
import { BLOCK, END_OF_ARCHIVE, fixChecksum, gnuLongEntry, paxHeader, rawEntry, tarHeader } from "@/tests/support/tar";

const work = mkdtempSync(join(tmpdir(), "porthole-tar-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const fromHex = (hex: string) => nameOfBytes(Buffer.from(hex, "hex"));

/** Go's listing in the terms of ours: names made strings as names.ts makes bytes into them. */
function asOurs(entry: GoTarEntry) {
  const { name, linkname, capability, ...rest } = entry;
  return { ...rest, name: fromHex(name), linkname: fromHex(linkname), capability };
}

type Listing = { entries: ReturnType<typeof asOurs>[]; error?: string };

/** Our listing of `archive`, in chunks of 1..`largest` bytes. */
async function ours(archive: Buffer, seed: number, largest: number): Promise<Listing> {
  const listing: Listing = { entries: [] };
  try {
    for await (const batch of readTar(chunked(archive, prng(seed), largest))) {
      for (const { header, data } of batch) {
        const hash = createHash("sha256");
        for await (const piece of data) hash.update(piece);
        const { type, name, linkname, size, mode, uid, gid, mtime, capability } = header;
        listing.entries.push({
          name,
          type,
          size,
          mode,
          uid,
          gid,
          mtime,
          linkname,
          capability: capability ? Buffer.from(capability).toString("hex") : "",
          data: hash.digest("hex"),
        });
      }
    }
  } catch (error) {
    listing.error = (error as Error).message;
  }
  return listing;
}

/** Reads `archive` with Go and with ours (three chunkings) and expects the same; Go's listing, for what the test says of it. */
async function sameAsGo(archive: Buffer, label: string): Promise<Listing> {
  const path = join(work, `${label.replace(/\W+/g, "-")}.tar`);
  writeFileSync(path, archive);
  const go = goTarListing(path);
  const expected = { entries: go.entries.map(asOurs), refused: go.error !== undefined };
  for (const largest of [1, 700, 1 << 20]) {
    const got = await ours(archive, largest, largest);
    expect({ entries: got.entries, refused: got.error !== undefined }, `${label}, chunks up to ${largest} bytes (Go: ${go.error ?? "end"})`).toEqual(
      expected,
    );
    if (got.error) expect(got.error, label).toMatch(/Docker and containerd would refuse this layer|ended early/);
  }
  return { entries: expected.entries, ...(go.error !== undefined && { error: go.error }) };
}

describe("archives real writers make, read as Go reads them", () => {
  const root = join(work, "tree");
  const deep = `deep/${"d".repeat(60)}/${"e".repeat(60)}/${"f".repeat(60)}`;
  const long = `${deep}/${"n".repeat(120)}.txt`;
  // Over ustar's 100-byte name, under its 255 with the prefix: split at a slash.
  const split = `split/${"p".repeat(80)}/${"s".repeat(90)}.txt`;
  mkdirSync(join(root, "dir/sub"), { recursive: true });
  mkdirSync(join(root, split, ".."), { recursive: true });
  writeFileSync(join(root, split), "split name\n");
  mkdirSync(join(root, deep), { recursive: true });
  writeFileSync(join(root, "a.txt"), "hello\n");
  writeFileSync(join(root, "empty"), "");
  writeFileSync(join(root, "dir/sub/big.bin"), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 251)));
  writeFileSync(join(root, "café ünï 100%.txt"), "utf-8 name\n");
  writeFileSync(join(root, long), "a long name\n");
  symlinkSync("a.txt", join(root, "sym"));
  symlinkSync(`/${"t".repeat(150)}/target`, join(root, "long-sym"));
  linkSync(join(root, "a.txt"), join(root, "hard"));
  execFileSync("mkfifo", [join(root, "fifo")]);
  // What each format can hold: v7 has 100-byte names and no FIFOs, ustar 255-byte names split at a slash.
  const short = ["./a.txt", "./empty", "./dir", "./café ünï 100%.txt", "./sym", "./hard"];
  const ustar = [...short, "./fifo", "./split"];
  const all = ["."];

  const writers: [string, string[], string[]][] = [
    ["GNU tar --format=gnu", ["tar", "--format=gnu"], all],
    ["GNU tar --format=oldgnu", ["tar", "--format=oldgnu"], all],
    ["GNU tar --format=posix", ["tar", "--format=posix"], all],
    ["GNU tar --format=ustar", ["tar", "--format=ustar"], ustar],
    ["GNU tar --format=v7", ["tar", "--format=v7"], short],
    ["bsdtar --format=pax", ["bsdtar", "--format=pax"], all],
    ["bsdtar --format=gnutar", ["bsdtar", "--format=gnutar"], all],
    ["bsdtar --format=ustar", ["bsdtar", "--format=ustar"], ustar],
    ["bsdtar --format=v7", ["bsdtar", "--format=v7"], short],
  ];
  it.each(writers)("%s", async (label, [command, ...flags], paths) => {
    const out = join(work, `${label.replace(/\W+/g, "-")}.out.tar`);
    execFileSync(command as string, [...flags, "-cf", out, "-C", root, ...paths], { stdio: "pipe" });
    const go = await sameAsGo(execFileSync("cat", [out], { maxBuffer: 2 ** 30 }), label);
    expect(go.error).toBeUndefined();
    const names = go.entries.map((entry) => entry.name.replace(/^\.\//, "").replace(/\/$/, ""));
    expect(names).toContain("café ünï 100%.txt");
    if (paths === all) expect(names).toContain(long);
    if (paths !== short) expect(names).toContain(split);
    expect(go.entries.find((entry) => entry.name.endsWith("big.bin") || entry.name.endsWith("a.txt"))?.data).toMatch(/^[0-9a-f]{64}$/);
  });

  const python: [string, string, string[]][] = [
    ["Python tarfile GNU_FORMAT", "GNU_FORMAT", all],
    ["Python tarfile PAX_FORMAT", "PAX_FORMAT", all],
    ["Python tarfile USTAR_FORMAT", "USTAR_FORMAT", ustar],
  ];
  it.each(python)("%s", async (label, format, paths) => {
    const out = join(work, `${format}.tar`);
    const script = `import os, sys, tarfile\nos.chdir(sys.argv[1])\nwith tarfile.open(sys.argv[2], "w", format=tarfile.${format}) as t:\n  for p in sys.argv[3:]: t.add(p)\n`;
    execFileSync("python3", ["-c", script, root, out, ...paths], { stdio: "pipe" });
    const go = await sameAsGo(execFileSync("cat", [out], { maxBuffer: 2 ** 30 }), label);
    expect(go.error).toBeUndefined();
    expect(go.entries.map((entry) => entry.name.replace(/^\.\//, ""))).toContain(split);
  });
});

/** A header-only entry (no data follows) whose size field claims `size` bytes. */
const claiming = (name: string, type: string, size: number, linkname?: string) => tarHeader(name, { type, size, ...(linkname && { linkname }) });

/** `block` with the bytes at `offset` replaced, its checksum fixed again. */
function patched(block: Buffer, offset: number, bytes: Buffer | string): Buffer {
  const copy = Buffer.from(block);
  Buffer.from(bytes as string, "latin1").copy(copy, offset);
  fixChecksum(copy, 0);
  return copy;
}

/** A PAX header with its records written as given (lengths and all), for records Go must refuse. */
function rawPax(body: string): Buffer {
  return rawEntry("PaxHeaders/raw", { type: "x", content: Buffer.from(body, "latin1") });
}

const file = (name: string, content = "x") => rawEntry(name, { content });

describe("the rules of tar.ts, each read as Go reads it", () => {
  const cases: [string, Buffer, "end" | "refused", number][] = [
    ["two zero blocks end the archive, what follows is not read as entries", Buffer.concat([file("a"), END_OF_ARCHIVE, file("after")]), "end", 1],
    ["an archive that stops where a header would start has ended", Buffer.concat([file("a"), file("b")]), "end", 2],
    ["an archive that stops after one zero block has ended", Buffer.concat([file("a"), Buffer.alloc(BLOCK)]), "end", 1],
    ["a zero block followed by a header is refused", Buffer.concat([file("a"), Buffer.alloc(BLOCK), file("b"), END_OF_ARCHIVE]), "refused", 1],
    ["a bad checksum is refused", Buffer.concat([file("a"), patched(tarHeader("b"), 0, "c").fill(0x31, 148, 150)]), "refused", 1],
    ["a checksum that is the signed sum is accepted", Buffer.concat([signedSumHeader(), END_OF_ARCHIVE]), "end", 1],
    [
      "header-only types have no data, whatever their size says",
      Buffer.concat([
        claiming("d/", "5", 1000),
        claiming("sym", "2", 700, "target"),
        claiming("hard", "1", 513, "d/f"),
        claiming("fifo", "6", 5),
        claiming("chr", "3", 1),
        claiming("blk", "4", 99),
        file("after", "data"),
        END_OF_ARCHIVE,
      ]),
      "end",
      7,
    ],
    ["a file with a negative base-256 size is refused", Buffer.concat([file("a"), negativeSize()]), "refused", 1],
    ["a base-256 size is read", Buffer.concat([base256Size("b256", "data"), END_OF_ARCHIVE]), "end", 1],
    ["octal padded with spaces and NULs is read", Buffer.concat([patched(file("pad"), 100, " 644 \0\0\0"), END_OF_ARCHIVE]), "end", 1],
    ["a space inside an octal number is refused", Buffer.concat([patched(file("mode"), 100, "06 44\0\0\0"), END_OF_ARCHIVE]), "refused", 0],
    ["a non-octal device number is refused", Buffer.concat([patched(file("dev"), 329, "9999999\0"), END_OF_ARCHIVE]), "refused", 0],
    ["the ustar prefix heads the name", Buffer.concat([patched(file("name.txt"), 345, "some/prefix\0"), END_OF_ARCHIVE]), "end", 1],
    [
      "a GNU header has no prefix field",
      Buffer.concat([patched(patched(file("gnu.txt"), 257, "ustar  \0"), 345, "0000000000\0\0"), END_OF_ARCHIVE]),
      "end",
      1,
    ],
    ["a \\0 typeflag with a trailing slash is a directory", Buffer.concat([patched(tarHeader("legacy/"), 156, "\0"), END_OF_ARCHIVE]), "end", 1],
    ["a v7 header (no magic) is read", Buffer.concat([rawEntry("old", { content: "v7", magic: false }), END_OF_ARCHIVE]), "end", 1],
    [
      "PAX records set path, linkpath, size, uid, gid and mtime",
      Buffer.concat([
        paxHeader({ path: "pax/näme", linkpath: "pax/target", uid: "4242", gid: "77", mtime: "1700000000.999" }),
        rawEntry("short", { type: "2", linkname: "x" }),
        paxHeader({ size: "3" }),
        rawEntry("sized", { content: "abc" }),
        END_OF_ARCHIVE,
      ]),
      "end",
      2,
    ],
    ["an empty PAX value keeps the header's", Buffer.concat([paxHeader({ path: "", uid: "" }), file("kept"), END_OF_ARCHIVE]), "end", 1],
    ["a NUL in a PAX path is refused", Buffer.concat([file("a"), paxHeader({ path: "hid\0den" }), file("b"), END_OF_ARCHIVE]), "refused", 1],
    ["a NUL in a PAX key is refused", Buffer.concat([paxHeader({ "SCHILY.xattr.user\0.x": "v" }), file("b"), END_OF_ARCHIVE]), "refused", 0],
    ["a malformed PAX uid is refused", Buffer.concat([paxHeader({ uid: "12a" }), file("b"), END_OF_ARCHIVE]), "refused", 0],
    ["a malformed PAX mtime is refused", Buffer.concat([paxHeader({ mtime: "1.2.3" }), file("b"), END_OF_ARCHIVE]), "refused", 0],
    ["a malformed PAX atime is refused too", Buffer.concat([paxHeader({ atime: "x" }), file("b"), END_OF_ARCHIVE]), "refused", 0],
    ["a PAX record whose length is wrong is refused", Buffer.concat([rawPax("12 path=x\n"), file("b"), END_OF_ARCHIVE]), "refused", 0],
    ["a PAX record without = is refused", Buffer.concat([rawPax("9 pathx\n\n"), file("b"), END_OF_ARCHIVE]), "refused", 0],
    ["a malformed global header is refused", Buffer.concat([paxHeader({ uid: "1" }, "g"), rawPax("3 x\n"), file("b"), END_OF_ARCHIVE]), "refused", 0],
    [
      "a global header ends what the headers before it said of the next entry",
      Buffer.concat([paxHeader({ path: "renamed" }), paxHeader({ comment: "global" }, "g"), file("own-name"), END_OF_ARCHIVE]),
      "end",
      1,
    ],
    [
      "a GNU long name wins over a PAX path",
      Buffer.concat([paxHeader({ path: "from-pax" }), gnuLongEntry(`gnu/${"g".repeat(150)}`, { content: "x" }), END_OF_ARCHIVE]),
      "end",
      1,
    ],
    [
      "a GNU long name stops at its first NUL",
      Buffer.concat([rawEntry("././@LongLink", { type: "L", content: "cut\0hidden" }), file("short"), END_OF_ARCHIVE]),
      "end",
      1,
    ],
    ["a PAX header over 1 MiB is refused", Buffer.concat([rawPax(`${"x".repeat(2 ** 20 + 1)}`), file("b"), END_OF_ARCHIVE]), "refused", 0],
    ["data cut short is refused", Buffer.concat([file("a"), tarHeader("b", { size: 5000 }), Buffer.alloc(1024)]), "refused", 1],
    [
      "an archive whose last entry lacks its padding has ended",
      Buffer.concat([file("a"), tarHeader("b", { size: 3 }), Buffer.from("abc")]),
      "end",
      2,
    ],
  ];

  it.each(cases)("%s", async (label, archive, outcome, count) => {
    const go = await sameAsGo(archive, label);
    expect(go.error === undefined ? "end" : "refused", `Go: ${go.error}`).toBe(outcome);
    expect(go.entries).toHaveLength(count);
  });
});

/** A header whose stored checksum is the signed sum (a byte over 127 counts negative), as old Sun tars wrote. */
function signedSumHeader(): Buffer {
  const header = tarHeader(Buffer.from([0x68, 0xe9, 0xff]));
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) sum += (header[i] as number) > 127 ? (header[i] as number) - 256 : (header[i] as number);
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return header;
}

function negativeSize(): Buffer {
  const header = tarHeader("neg");
  header.fill(0xff, 124, 136);
  fixChecksum(header, 0);
  return Buffer.concat([header, Buffer.alloc(BLOCK)]);
}

function base256Size(name: string, content: string): Buffer {
  const header = tarHeader(name);
  header.fill(0, 124, 136);
  header[124] = 0x80;
  header.writeUInt32BE(content.length, 132);
  fixChecksum(header, 0);
  return Buffer.concat([header, Buffer.from(content), Buffer.alloc(BLOCK - content.length)]);
}

describe("paxRecords", () => {
  it("keeps a record's raw bytes whatever they are, the last of repeated keys winning, as Go's map does", () => {
    const body = paxHeader({ path: "a", "SCHILY.xattr.security.capability": Buffer.from([0x0a, 0x3d, 0xff]) });
    const records = paxRecords(body.subarray(BLOCK, BLOCK + parseInt(body.toString("latin1", 124, 135), 8)), 0);
    expect(Buffer.from(records.get("SCHILY.xattr.security.capability") ?? []).toString("hex")).toBe("0a3dff");
    const twice = Buffer.from("8 k=one\n8 k=two\n");
    expect(Buffer.from(paxRecords(twice, 0).get("k") ?? []).toString()).toBe("two");
  });

  it("refuses what Go's parsePAXRecord refuses: no length, a hex length, a length past the end, a huge length", () => {
    for (const body of ["path=x\n", "0x0b path=x\n", "99 path=x\n", `${"9".repeat(400)} path=x\n`, "4 =\n"]) {
      expect(() => paxRecords(Buffer.from(body), 0), body).toThrow(/Docker and containerd would refuse this layer/);
    }
  });
});
