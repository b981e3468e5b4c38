/**
 * Hostile zstd layers: frames that ask for huge windows, and bombs that decode to hundreds of MiB
 * from a few KiB arriving as one chunk. The zstd bytes come from the `zstd` CLI, as real layers do.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { listLayer, openLayerEntry } from "@/lib/layer/read";
import { packLayer } from "@/tests/support/image-builder";
import { rss } from "@/tests/support/run";
import { lazyZeroFile } from "@/tests/support/tar";

const zstd = (input: Buffer, ...args: string[]) => execFileSync("zstd", ["-q", "-c", ...args], { input, maxBuffer: 1 << 28 });

async function list(bytes: Buffer): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  for await (const batch of listLayer(Readable.from([bytes]))) entries.push(...batch);
  return entries;
}

async function failure(bytes: Buffer): Promise<PortholeError> {
  try {
    await list(bytes);
  } catch (error) {
    return error as PortholeError;
  }
  throw new Error("expected the layer to be refused");
}

async function contentOf(bytes: Buffer, ordinal: number): Promise<Buffer> {
  const opened = await openLayerEntry(Readable.from([bytes]), ordinal);
  return Buffer.concat(await (opened as NonNullable<typeof opened>).content.toArray());
}

/** A skippable frame (RFC 8878 §3.1.2): magic 0x184D2A5?, a length, that many bytes to ignore. */
function skippableFrame(payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(0x184d2a5a, 0);
  header.writeUInt32LE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("zstd layers", async () => {
  const archive = await packLayer([
    { name: "random.bin", content: randomBytes(300_000) }, // raw blocks
    { name: "zeros.bin", content: Buffer.alloc(400_000) }, // RLE and long-match blocks
    { name: "text.txt", content: "porthole\n".repeat(20_000) },
  ]);
  const expected = await list(archive);

  it("refuses a frame asking for a 1 GiB window, as `zstd -d` does, before decoding it", async () => {
    const wide = zstd(archive, "--long=30");
    expect(() => execFileSync("zstd", ["-d", "-q", "-c"], { input: wide, stdio: ["pipe", "ignore", "ignore"] })).toThrow();
    const error = await failure(wide);
    expect(error).toBeInstanceOf(PortholeError);
    expect(error.code).toBe("TOO_LARGE");
    expect(error.message).toMatch(/needs a 1024 MiB window, over the 128 MiB/);
  });

  it("refuses an oversized window in a later frame too, and in a single-segment frame's content size", async () => {
    const half = Math.floor(archive.length / 1024) * 512;
    const later = Buffer.concat([zstd(archive.subarray(0, half)), zstd(archive.subarray(half), "--long=29")]);
    expect((await failure(later)).code).toBe("TOO_LARGE");
    // Single segment: the window is the declared content size (here 2 GiB - 1, stored in 4 bytes).
    const single = zstd(archive, `--stream-size=${archive.length}`);
    expect(single[4]! >> 5).toBe(0b101); // single segment, 4-byte content size
    single.writeUInt32LE(2 ** 31 - 1, 5);
    expect((await failure(single)).code).toBe("TOO_LARGE");
  });

  it("decodes what real encoders write alike: the limit window, single segments, several frames, skippable frames between", async () => {
    const half = Math.floor(archive.length / 1024) * 512;
    const variants = {
      "128 MiB window": zstd(archive, "--long=27"),
      "single segment": zstd(archive, `--stream-size=${archive.length}`),
      "no checksum": zstd(archive, "--no-check", "-19"),
      "two frames and skippable ones": Buffer.concat([
        zstd(archive.subarray(0, half)),
        skippableFrame(Buffer.from("metadata")),
        skippableFrame(Buffer.alloc(0)),
        zstd(archive.subarray(half), "--no-check"),
        skippableFrame(randomBytes(70_000)),
      ]),
      "a skippable frame first": Buffer.concat([skippableFrame(Buffer.from("seek table")), zstd(archive)]),
    };
    for (const [name, bytes] of Object.entries(variants)) {
      expect(await list(bytes), name).toEqual(expected);
      expect((await contentOf(bytes, 1)).equals(Buffer.alloc(400_000)), name).toBe(true);
    }
  });

  it("decodes 512 MiB of zeros that arrive as one ~16 KiB chunk with bounded memory", async () => {
    const size = 512 * 2 ** 20;
    const encoder = spawn("zstd", ["-q", "-c", "-3"], { stdio: ["pipe", "pipe", "ignore"] });
    lazyZeroFile("zeros", size).pipe(encoder.stdin);
    const bomb = Buffer.concat(await encoder.stdout.toArray());
    expect(bomb.length).toBeLessThan(64 * 1024);

    const before = rss();
    let peak = before;
    let bytes = 0;
    const opened = await openLayerEntry(Readable.from([bomb]), 0);
    for await (const chunk of (opened as NonNullable<typeof opened>).content as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    console.log(`zstd bomb: ${bomb.length} bytes → ${bytes} bytes, RSS grew ${Math.round((peak - before) / 2 ** 20)} MiB`);
    expect(bytes).toBe(size);
    expect(peak - before).toBeLessThan(200 * 2 ** 20);
  }, 60_000);
});
