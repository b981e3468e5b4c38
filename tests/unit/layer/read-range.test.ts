import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import type { LayerEntry } from "@/lib/core/api-types";
import { listLayer } from "@/lib/layer/read";
import { chunked, prng } from "@/tests/support/random";
import type { BuiltSeekIndex, Checkpoint } from "@/lib/layer/seek/protocol";
import { IndexingGunzip } from "@/lib/layer/seek/indexing-gunzip";
import { readRange, type FetchRange } from "@/lib/layer/seek/read-range";
import { parseSeekIndex, serializeSeekIndex, type SeekIndex } from "@/lib/layer/seek/seek-index";

/** Half text, half random: blocks of every kind, checkpoints mid-byte. */
function sample(): Buffer {
  const lines: string[] = [];
  for (let i = 0; lines.length < 60_000; i++) lines.push(`/usr/lib/x86_64-linux-gnu/lib${(i * 7919) % 1013}.so.${i % 17} ${i}`);
  return Buffer.concat([Buffer.from(lines.join("\n")), randomBytes(400_000), Buffer.from(lines.reverse().join("\n"))]);
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** The index built by the real path: the inflate worker, then the disk format. */
async function indexed(gz: Buffer, span: number): Promise<{ output: Buffer; index: SeekIndex }> {
  const gunzip = new IndexingGunzip(span);
  const output = collect(Readable.from([gz.subarray(0, 1000), gz.subarray(1000)]).pipe(gunzip));
  const result = await output;
  return { output: result, index: parseSeekIndex(serializeSeekIndex(gunzip.index!))! };
}

/** A registry in-process: honours Range, or ignores it, or serves other bytes for it. */
function fetcher(blob: Buffer, mode: "honest" | "ignores range" | "lies" = "honest"): FetchRange & { requests: [number, number][] } {
  const requests: [number, number][] = [];
  const fetch = async (from: number, to: number) => {
    requests.push([from, to]);
    if (mode === "ignores range") return { body: Readable.from([blob]), partial: false };
    const bytes = Buffer.from(blob.subarray(from, to));
    if (mode === "lies") bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0x20;
    return { body: Readable.from([bytes]), partial: true };
  };
  return Object.assign(fetch, { requests });
}

describe("reading a range of a gzip layer from its seek index", () => {
  it("the worker's index reads any range: starts, ends, spans of many checkpoints, the last byte", async () => {
    const original = sample();
    const gz = gzipSync(original);
    const { output, index } = await indexed(gz, 64 * 1024);
    expect(output.equals(original)).toBe(true);
    expect(index.spans.length).toBeGreaterThan(10);
    const fetch = fetcher(gz);
    const cases: [number, number][] = [
      [0, 100],
      [original.length - 1, 1],
      [1234, 900_000],
      ...index.spans.map((span): [number, number] => [span.out, 10]),
      ...index.spans.map((span): [number, number] => [Math.max(span.out - 5, 0), 10]),
    ];
    for (let i = 1; i < 30; i++) cases.push([Math.floor((original.length * i) / 30), 4096]);
    for (const [offset, length] of cases.filter(([offset]) => offset < original.length)) {
      const bytes = await collect((await readRange(index, offset, Math.min(length, original.length - offset), fetch))!);
      expect(bytes.equals(original.subarray(offset, offset + length)), `${offset}+${length}`).toBe(true);
    }
  });

  it("fetches only the spans around the range, not the layer", async () => {
    const original = sample();
    const gz = gzipSync(original);
    const { index } = await indexed(gz, 64 * 1024);
    const fetch = fetcher(gz);
    await collect((await readRange(index, Math.floor(original.length / 2), 100, fetch))!);
    const [[from, to]] = fetch.requests as [[number, number]];
    expect(to - from).toBeLessThan(gz.length / 4);
  });

  it("a registry that serves other bytes for a range fails the read (UPSTREAM_INVALID, 502)", async () => {
    const gz = gzipSync(sample());
    const { index } = await indexed(gz, 64 * 1024);
    const read = await readRange(index, 500_000, 1000, fetcher(gz, "lies"));
    await expect(collect(read!)).rejects.toMatchObject({ code: "UPSTREAM_INVALID", message: expect.stringMatching(/other bytes/) });
  });

  it("a registry that ignores Range gets null: the caller streams instead", async () => {
    const gz = gzipSync(sample());
    const { index } = await indexed(gz, 64 * 1024);
    expect(await readRange(index, 500_000, 1000, fetcher(gz, "ignores range"))).toBeNull();
  });

  it("the worker reports a corrupt stream as an error, not an early end", async () => {
    const gz = gzipSync(sample());
    gz.fill(0xff, 20_000, 20_100);
    await expect(indexed(gz, 64 * 1024)).rejects.toThrow();
    await expect(indexed(gzipSync(sample()).subarray(0, 50_000), 64 * 1024)).rejects.toThrow(/unexpected end/);
  });
});

/** A real GNU tar layer (pax, a long name, an empty file, a big file) and its files' contents. */
function gnuTar(): { tar: Buffer; dir: string; files: Record<string, Buffer> } {
  const dir = mkdtempSync(join(tmpdir(), "porthole-seek-"));
  const long = `${"deep/".repeat(30)}name-longer-than-a-ustar-header-holds.txt`;
  mkdirSync(join(dir, "root", long, ".."), { recursive: true });
  const files: Record<string, Buffer> = {
    "root/a.txt": Buffer.from("first\n"),
    "root/empty": Buffer.alloc(0),
    "root/big.bin": Buffer.concat([randomBytes(700_000), sample()]),
    [`root/${long}`]: Buffer.from("a name in a pax record\n"),
    "root/zz-last": Buffer.from("the last file\n"),
  };
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  const tar = execFileSync("tar", ["--format=pax", "--sort=name", "-cf", "-", "-C", dir, "root"], { maxBuffer: 1 << 30 });
  return { tar, dir, files };
}

/** zstd of many frames, as pzstd or zstd:chunked write it: each 200 kB piece of the tar its own frame. */
function zstdFrames(tar: Buffer): Buffer {
  const frames: Buffer[] = [];
  for (let at = 0; at < tar.length; at += 200_000) frames.push(execFileSync("zstd", ["-q", "-c", "-3"], { input: tar.subarray(at, at + 200_000) }));
  return Buffer.concat(frames);
}

/** Lists `blob` with indexing on, then reads every file back by Range through the stored index. */
async function readBackByRange(blob: Buffer, { dir, files }: ReturnType<typeof gnuTar>): Promise<SeekIndex> {
  let index: BuiltSeekIndex | null = null;
  const entries: LayerEntry[] = [];
  const seek = { span: 64 * 1024, onIndex: (built: BuiltSeekIndex) => (index = built) };
  for await (const batch of listLayer(Readable.from([blob]), { seek })) entries.push(...batch);
  const stored = parseSeekIndex(serializeSeekIndex(index!))!;
  for (const [path, content] of Object.entries(files)) {
    const entry = entries.find((e) => e.path === `/${path}`)!;
    if (content.length === 0) {
      expect(entry.offset).toBeUndefined();
      continue;
    }
    const bytes = await collect((await readRange(stored, entry.offset!, entry.size, fetcher(blob)))!);
    expect(bytes.equals(readFileSync(join(dir, path))), path).toBe(true);
  }
  return stored;
}

describe("a layer listing indexed for random access", () => {
  it("gzip: gives each file its offset in the tar; GNU tar's pax archive read back file by file by Range", async () => {
    const layer = gnuTar();
    const index = await readBackByRange(gzipSync(layer.tar), layer);
    expect([index.format, index.spans.length > 5]).toEqual(["gzip", true]);
  });

  it("gzip arriving in small pieces (a slow download): every span's digest is that of its bytes in the blob", async () => {
    const { tar } = gnuTar();
    const blob = gzipSync(tar);
    let index: BuiltSeekIndex | null = null;
    const seek = { span: 64 * 1024, onIndex: (built: BuiltSeekIndex) => (index = built) };
    for await (const batch of listLayer(chunked(blob, prng(3), 700), { seek })) void batch;
    const checkpoints = (index as BuiltSeekIndex | null)?.checkpoints ?? [];
    expect(checkpoints.length).toBeGreaterThan(5);
    checkpoints.forEach((checkpoint, i) => {
      const from = Math.floor(checkpoint.bit / 8);
      const to = i + 1 < checkpoints.length ? Math.floor((checkpoints[i + 1] as Checkpoint).bit / 8) : blob.length;
      expect(checkpoint.sha256, `span ${i}, bytes ${from}..${to}`).toBe(createHash("sha256").update(blob.subarray(from, to)).digest("hex"));
    });
  });

  it("gzip: the diff_id is checked against the tar's sha256 as the inflating worker hashed it", async () => {
    const { tar } = gnuTar();
    const blob = gzipSync(tar);
    const seek = { span: 64 * 1024, onIndex: () => undefined };
    const diffId = `sha256:${createHash("sha256").update(tar).digest("hex")}`;
    const list = async (options: object) => {
      for await (const batch of listLayer(Readable.from([blob]), { seek, ...options })) void batch;
    };
    await expect(list({ diffId })).resolves.toBeUndefined();
    await expect(list({ diffId: diffId.replace(/.$/, (last) => (last === "0" ? "1" : "0")) })).rejects.toThrow(/layer diff_id mismatch/);
    // A sha512 diff_id is hashed on the reader's side: the worker hashes sha256 only.
    const sha512 = `sha512:${createHash("sha512").update(tar).digest("hex")}`;
    await expect(list({ diffId: sha512 })).resolves.toBeUndefined();
  });

  it("zstd of many frames: a checkpoint at a frame start after every span, files read back by Range", async () => {
    const layer = gnuTar();
    const index = await readBackByRange(zstdFrames(layer.tar), layer);
    expect([index.format, index.spans.length > 3]).toEqual(["zstd", true]);
  });

  it("zstd of one frame: nothing to resume from, no index (files are read as a stream)", async () => {
    const blob = execFileSync("zstd", ["-q", "-c", "-3"], { input: gnuTar().tar, maxBuffer: 1 << 30 });
    let built: BuiltSeekIndex | null = null;
    for await (const batch of listLayer(Readable.from([blob]), { seek: { span: 64 * 1024, onIndex: (index) => (built = index) } })) void batch;
    expect(built).toBeNull();
  });
});
