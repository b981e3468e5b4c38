import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { listLayer, openLayerEntry } from "@/lib/layer/read";
import { compress, packLayer, type EntrySpec } from "@/tests/support/image-builder";
import { END_OF_ARCHIVE, gnuLongEntry, rawEntry } from "@/tests/support/tar";
import { readTarFiles } from "@/tests/support/docker-archive";

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const source = (bytes: Buffer, chunk = 7919) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    })(),
  );

async function list(bytes: Buffer, options = {}): Promise<LayerEntry[]> {
  const out: LayerEntry[] = [];
  for await (const batch of listLayer(source(bytes), options)) out.push(...batch);
  return out;
}

async function listUntilFailure(bytes: Buffer, options = {}): Promise<{ entries: LayerEntry[]; error: PortholeError | null }> {
  const entries: LayerEntry[] = [];
  try {
    for await (const batch of listLayer(source(bytes), options)) entries.push(...batch);
    return { entries, error: null };
  } catch (error) {
    return { entries, error: error as PortholeError };
  }
}

const SAMPLE: EntrySpec[] = [
  { name: "etc/", type: "directory" },
  { name: "./etc/hosts", content: "127.0.0.1 localhost\n" },
  { name: "usr/bin/tool", content: Buffer.alloc(3000, 1), mode: 0o755 },
  { name: "usr/bin/alias", type: "symlink", linkname: "tool" },
  { name: "usr/bin/hard", type: "link", linkname: "./usr/bin/tool" },
  { name: "etc/.wh.shadow" },
  { name: "var/cache/.wh..wh..opq" },
];

describe("listLayer decodes every layer format by its bytes", async () => {
  const archive = await packLayer(SAMPLE);
  const expected = await list(archive);

  it("lists plain tar entries with cleaned paths, types, modes and links", () => {
    expect(expected.map((e) => [e.path, e.type])).toEqual([
      ["/etc", "dir"],
      ["/etc/hosts", "file"],
      ["/usr/bin/tool", "file"],
      ["/usr/bin/alias", "symlink"],
      ["/usr/bin/hard", "hardlink"],
      ["/etc/shadow", "file"],
      ["/var/cache", "file"],
    ]);
    expect(expected[2]).toMatchObject({ size: 3000, mode: 0o755, uid: 0, gid: 0, mtime: 1_700_000_000 });
    expect(expected[3]?.linkname).toBe("tool");
    expect(expected[4]?.linkname).toBe("/usr/bin/tool");
  });

  it("flags layer.md whiteouts and opaque markers by the path they act on", () => {
    expect(expected[5]).toMatchObject({ path: "/etc/shadow", whiteout: true });
    expect(expected[6]).toMatchObject({ path: "/var/cache", opaque: true });
  });

  it("reads gzip and zstd (and ignores the media type: it is never asked)", async () => {
    expect(await list(compress(archive, "gzip"))).toEqual(expected);
    expect(await list(compress(archive, "zstd"))).toEqual(expected);
  });

  it("reads multi-member gzip (estargz-style) to the end", async () => {
    const half = Math.floor(archive.length / 1024) * 512;
    const members = Buffer.concat([gzipSync(archive.subarray(0, half)), gzipSync(archive.subarray(half))]);
    expect(await list(members)).toEqual(expected);
  });

  it("verifies the blob digest and diff_id and passes when they match", async () => {
    const gz = compress(archive, "gzip");
    expect(await list(gz, { digest: sha256(gz), diffId: sha256(archive) })).toEqual(expected);
  });
});

describe("content digests, hashed as the layer streams", () => {
  it("a regular file's digest is the sha256 of its bytes", async () => {
    // Big enough to arrive in many chunks, across inflate and source chunk boundaries.
    const big = randomBytes(700_000);
    const small = Buffer.from("127.0.0.1 localhost\n");
    const archive = await packLayer([
      { name: "usr/lib/big.so", content: big },
      { name: "etc/hosts", content: small },
    ]);
    for (const bytes of [archive, compress(archive, "gzip"), compress(archive, "zstd")]) {
      expect((await list(bytes)).map((e) => [e.path, e.digest])).toEqual([
        ["/usr/lib/big.so", sha256(big)],
        ["/etc/hosts", sha256(small)],
      ]);
    }
  });

  it("an empty file has the empty digest", async () => {
    const [empty] = await list(await packLayer([{ name: "etc/empty", content: "" }]));
    expect(empty).toMatchObject({ path: "/etc/empty", type: "file", size: 0, digest: sha256(Buffer.alloc(0)) });
    expect(empty?.digest).toBe("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("directories, symlinks and whiteouts have no digest (nor hardlinks, devices, fifos and opaque markers)", async () => {
    const archive = await packLayer([...SAMPLE, { name: "dev/null", type: "character-device" }, { name: "run/pipe", type: "fifo" }]);
    const withDigest = (await list(archive)).filter((e) => e.digest !== undefined).map((e) => e.path);
    expect(withDigest).toEqual(["/etc/hosts", "/usr/bin/tool"]);
  });

  it("a file cut short is never listed: its digest could not be right", async () => {
    const archive = await packLayer([
      { name: "whole", content: "all of it" },
      { name: "cut", content: randomBytes(4000) },
    ]);
    const { entries, error } = await listUntilFailure(archive.subarray(0, 512 * 3 + 1000));
    expect(entries.map((e) => [e.path, e.digest])).toEqual([["/whole", sha256(Buffer.from("all of it"))]]);
    expect(error?.status).toBe(502);
  });

  it("a decompression bomb inside a file's bytes still stops with 413 (hashing does not hide the cause)", async () => {
    const archive = await packLayer([{ name: "zeros", content: Buffer.alloc(8 * 1024 * 1024) }]);
    const { entries, error } = await listUntilFailure(gzipSync(archive), { limits: { maxBytes: 1024 * 1024 } });
    expect(entries).toEqual([]);
    expect(error?.status).toBe(413);
  });
});

describe("dive's OCI test images: gzip, zstd, estargz and uncompressed layers decode alike", async () => {
  const listings = new Map<string, LayerEntry[]>();
  for (const kind of ["gzip", "zstd", "estargz", "uncompressed"]) {
    const files = await readTarFiles(join(import.meta.dirname, "../../../../shared/dive-data", `test-oci-${kind}-image.tar`));
    const index = JSON.parse((files.get("index.json") as Buffer).toString());
    const manifest = JSON.parse((files.get(`blobs/${index.manifests[0].digest.replace(":", "/")}`) as Buffer).toString());
    const layer = manifest.layers[0];
    const blob = files.get(`blobs/${layer.digest.replace(":", "/")}`) as Buffer;
    listings.set(kind, await list(blob, { digest: layer.digest }));
  }

  it("gives the same entries for all four, verified against their digests", () => {
    const gzip = listings.get("gzip");
    expect(gzip?.length).toBeGreaterThan(0);
    // eStargz's table of contents follows the end-of-archive marker: not in the filesystem.
    for (const kind of ["zstd", "uncompressed", "estargz"]) expect(listings.get(kind), kind).toEqual(gzip);
  });
});

describe("the end-of-archive marker (two zero blocks), as Go's archive/tar reads it", () => {
  const after = () => rawEntry("after-the-end", { content: "not in the filesystem" });

  it("ends the listing: what follows is read and verified, never listed", async () => {
    const archive = Buffer.concat([rawEntry("kept", { content: "x" }), END_OF_ARCHIVE, after(), END_OF_ARCHIVE]);
    const gz = gzipSync(archive);
    const digest = `sha256:${createHash("sha256").update(gz).digest("hex")}`;
    expect((await list(gz, { digest })).map((e) => e.path)).toEqual(["/kept"]);
    await expect(list(gz, { digest: digest.replace(/.$/, "0") })).rejects.toThrow(/digest mismatch/);
  });

  it("is two zero blocks in a row: one alone followed by a header is refused, as Go refuses it", async () => {
    const archive = Buffer.concat([rawEntry("first", { content: "x" }), Buffer.alloc(512), after(), END_OF_ARCHIVE]);
    await expect(list(archive)).rejects.toThrow(/a header after a single zero block in the header at byte 1536/);
  });
});

describe("long and hostile names", () => {
  it("reads PAX long names and GNU long names and link names", async () => {
    const long = `dir/${"n".repeat(150)}/${"x".repeat(120)}.txt`;
    const pax = await packLayer([
      { name: long, content: "pax" },
      { name: "l", type: "symlink", linkname: "t".repeat(180) },
    ]);
    const paxEntries = await list(pax);
    expect(paxEntries[0]?.path).toBe(`/${long}`);
    expect(paxEntries[1]?.linkname).toBe("t".repeat(180));
    const gnu = Buffer.concat([
      gnuLongEntry(`gnu/${"g".repeat(200)}`, { content: "x" }),
      gnuLongEntry("gl", { type: "2", linkname: `/${"k".repeat(150)}` }),
      END_OF_ARCHIVE,
    ]);
    const gnuEntries = await list(gnu);
    expect(gnuEntries[0]?.path).toBe(`/gnu/${"g".repeat(200)}`);
    expect(gnuEntries[1]?.linkname).toBe(`/${"k".repeat(150)}`);
  });

  it("lists non-UTF-8 names escaped, distinct from each other, and PAX UTF-8 names as they are", async () => {
    const archive = Buffer.concat([
      rawEntry(Buffer.from([0x63, 0x61, 0x66, 0xe9]), { content: "latin1 e-acute" }),
      rawEntry(Buffer.from([0x63, 0x61, 0x66, 0xe8]), { content: "latin1 e-grave" }),
      rawEntry(Buffer.from("café", "utf8"), { content: "utf8" }),
      END_OF_ARCHIVE,
    ]);
    expect((await list(archive)).map((e) => e.path)).toEqual(["/caf%E9", "/caf%E8", "/café"]);
    const pax = await packLayer([{ name: "häßlich ☃.txt", content: "x" }]);
    expect((await list(pax))[0]?.path).toBe("/häßlich ☃.txt");
  });

  it("keeps ../ and absolute names inside /", async () => {
    const archive = Buffer.concat([rawEntry("../../etc/passwd", { content: "x" }), rawEntry("/abs/../../root", { content: "y" }), END_OF_ARCHIVE]);
    expect((await list(archive)).map((e) => e.path)).toEqual(["/etc/passwd", "/root"]);
  });

  it("reads v7 tar headers without the ustar magic", async () => {
    const archive = Buffer.concat([rawEntry("old.txt", { content: "v7", magic: false }), END_OF_ARCHIVE]);
    expect((await list(archive)).map((e) => e.path)).toEqual(["/old.txt"]);
  });
});

describe("bad layers fail at the end, never as a complete listing", async () => {
  const archive = await packLayer(Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, content: randomBytes(2000) })));
  const gz = compress(archive, "gzip");

  it("a digest mismatch throws UPSTREAM_INVALID after the entries were streamed", async () => {
    const { entries, error } = await listUntilFailure(gz, { digest: `sha256:${"0".repeat(64)}` });
    expect(entries).toHaveLength(40);
    expect(error?.status).toBe(502);
    expect(error?.message).toMatch(/layer digest mismatch/);
  });

  it("a diff_id mismatch throws too", async () => {
    const { error } = await listUntilFailure(gz, { diffId: `sha256:${"1".repeat(64)}` });
    expect(error?.message).toMatch(/diff_id mismatch/);
  });

  it("a truncated gzip stream throws 502", async () => {
    const { entries, error } = await listUntilFailure(gz.subarray(0, Math.floor(gz.length / 2)));
    expect(entries.length).toBeLessThan(40);
    expect(error?.status).toBe(502);
  });

  it("a truncated tar throws 502", async () => {
    const { error } = await listUntilFailure(archive.subarray(0, 512 * 20 + 100));
    expect(error?.status).toBe(502);
  });

  it("corrupt gzip data throws 502", async () => {
    const corrupt = Buffer.from(gz);
    for (let i = 200; i < 400; i++) corrupt[i] = (corrupt[i] as number) ^ 0xff;
    const { error } = await listUntilFailure(corrupt);
    expect(error?.status).toBe(502);
  });

  it("random bytes are an unsupported layer format (415)", async () => {
    const { entries, error } = await listUntilFailure(randomBytes(5000));
    expect(entries).toEqual([]);
    expect(error?.status).toBe(415);
    expect(error?.message).toMatch(/unsupported layer format/);
  });

  it("corrupt or truncated zstd throws 502", async () => {
    const zst = execFileSync("zstd", ["-q", "-c"], { input: archive });
    const corrupt = Buffer.from(zst);
    for (let i = 4; i < 40; i++) corrupt[i] = (corrupt[i] as number) ^ 0x5a;
    expect((await listUntilFailure(corrupt)).error?.status).toBe(502);
    expect((await listUntilFailure(zst.subarray(0, zst.length - 5000))).error?.status).toBe(502);
  });

  it("a decompression bomb stops at the byte limit with 413", async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    const { error } = await listUntilFailure(bomb, { limits: { maxBytes: 1024 * 1024 } });
    expect(error?.status).toBe(413);
  });

  it("too many entries stop with 413", async () => {
    const { error } = await listUntilFailure(archive, { limits: { maxEntries: 10 } });
    expect(error?.status).toBe(413);
  });
});

describe("openLayerEntry", () => {
  it("streams the bytes of the entry at an ordinal and stops there", async () => {
    const archive = await packLayer([
      { name: "a", content: "first" },
      { name: "b", content: "bee" },
      { name: "a", content: "second a wins" },
    ]);
    const opened = await openLayerEntry(source(compress(archive, "gzip")), 2);
    // The bytes are the caller's to read: nothing was hashed on the way.
    expect(opened?.entry).toMatchObject({ path: "/a" });
    expect(opened?.entry.digest).toBeUndefined();
    expect(Buffer.concat(await opened!.content.toArray()).toString()).toBe("second a wins");
    expect(await openLayerEntry(source(archive), 9)).toBeNull();
  });
});
