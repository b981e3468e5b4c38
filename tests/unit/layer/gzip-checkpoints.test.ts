import { describe, expect, it } from "vitest";
import { gzipSync, constants } from "node:zlib";
import { CheckpointingGunzip } from "@/lib/layer/seek/gzip-checkpoints";
import type { Checkpoint } from "@/lib/layer/seek/protocol";
import { ResumedGunzip } from "@/lib/layer/seek/resumed-gunzip";

/** Text-like bytes that compress into many dynamic blocks, with some randomness so blocks differ. */
function sample(bytes: number, seed = 1): Buffer {
  const words = ["layer", "tar", "whiteout", "/usr/lib/", "sha256:", "deflate", "\n", "opaque", "0755 ", "root"];
  const out = Buffer.alloc(bytes);
  let x = seed;
  for (let i = 0; i < bytes;) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const word = x % 3 === 0 ? String(x) : (words[x % words.length] as string);
    i += out.write(word, i);
  }
  return out;
}

function pieces(data: Uint8Array, size: number): Uint8Array[] {
  const all: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += size) all.push(data.subarray(i, i + size));
  return all;
}

function index(gz: Uint8Array, span: number, chunk = 10_000): { output: Buffer; checkpoints: Checkpoint[] } {
  const checkpoints: Checkpoint[] = [{ bit: 0, out: 0, window: new Uint8Array(0) }];
  const inflater = new CheckpointingGunzip(span, (checkpoint) => checkpoints.push(checkpoint));
  const out: Uint8Array[] = [];
  for (const piece of pieces(gz, chunk)) out.push(...inflater.push(piece));
  out.push(...inflater.flush());
  inflater.end();
  return { output: Buffer.concat(out), checkpoints };
}

/** Inflates `length` bytes at `offset` from the last checkpoint at or before it, fed in `chunk`-byte pieces. */
function readAt(gz: Uint8Array, checkpoints: Checkpoint[], offset: number, length: number, chunk = 7_000): Buffer {
  const from = checkpoints.findLast((checkpoint) => checkpoint.out <= offset) as Checkpoint;
  const inflater = new ResumedGunzip(from);
  const out: Uint8Array[] = [];
  let have = 0;
  for (const piece of pieces(gz.subarray(Math.floor(from.bit / 8)), chunk)) {
    for (const part of inflater.push(piece)) {
      out.push(part.slice());
      have += part.length;
    }
    if (have >= offset - from.out + length) break;
  }
  return Buffer.concat(out).subarray(offset - from.out, offset - from.out + length);
}

function expectRandomReads(gz: Uint8Array, original: Buffer, checkpoints: Checkpoint[]): void {
  const offsets = [0, 1, original.length - 1, ...checkpoints.map((c) => c.out), ...checkpoints.map((c) => c.out + 100)];
  for (let i = 0; i < 40; i++) offsets.push(Math.floor((original.length * i) / 40) + 17);
  for (const offset of offsets.filter((o) => o < original.length)) {
    const length = Math.min(5000, original.length - offset);
    expect(readAt(gz, checkpoints, offset, length).equals(original.subarray(offset, offset + length)), `offset ${offset}`).toBe(true);
  }
}

describe("gzip checkpoints (zran-style random access)", () => {
  it("inflates exactly what gzip wrote and takes a checkpoint at a block boundary after each span", () => {
    const original = sample(3_000_000);
    const { output, checkpoints } = index(gzipSync(original), 256 * 1024);
    expect(output.equals(original)).toBe(true);
    expect(checkpoints.length).toBeGreaterThan(8);
    for (const [i, checkpoint] of checkpoints.entries()) {
      if (i === 0) continue;
      expect(checkpoint.out - (checkpoints[i - 1] as Checkpoint).out).toBeGreaterThanOrEqual(256 * 1024);
      expect(Buffer.from(checkpoint.window).equals(original.subarray(checkpoint.out - 32768, checkpoint.out))).toBe(true);
    }
    // Blocks are not byte-aligned: most checkpoints start inside a byte, which the reader must prime.
    expect(checkpoints.filter((c) => c.bit % 8 !== 0).length).toBeGreaterThan(0);
  });

  it("reads any range from the checkpoint before it, primed with the window (dynamic blocks)", () => {
    const original = sample(2_000_000, 7);
    const gz = gzipSync(original, { level: 6 });
    expectRandomReads(gz, original, index(gz, 128 * 1024).checkpoints);
  });

  it("reads across stored blocks (incompressible data, level 0) and fixed-Huffman blocks", () => {
    const random = Buffer.alloc(600_000);
    for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 13;
    const mixed = Buffer.concat([sample(300_000, 3), random, sample(300_000, 4)]);
    for (const options of [{ level: 0 }, { level: 1 }, { strategy: constants.Z_FIXED }]) {
      const gz = gzipSync(mixed, options);
      const { output, checkpoints } = index(gz, 64 * 1024);
      expect(output.equals(mixed)).toBe(true);
      expectRandomReads(gz, mixed, checkpoints);
    }
  });

  it("reads multi-member gzip (estargz, pigz -i), across member boundaries", () => {
    const parts = [sample(200_000, 1), sample(10, 2), Buffer.alloc(0), sample(500_000, 3), sample(300_000, 4)];
    const gz = Buffer.concat(parts.map((part) => gzipSync(part)));
    const original = Buffer.concat(parts);
    const { output, checkpoints } = index(gz, 100 * 1024, 3000);
    expect(output.equals(original)).toBe(true);
    expectRandomReads(gz, original, checkpoints);
    // A read spanning every member from the start.
    expect(readAt(gz, checkpoints, 0, original.length).equals(original)).toBe(true);
  });

  it("reads a range that spans many checkpoints, and the very last byte", () => {
    const original = sample(1_500_000, 9);
    const gz = gzipSync(original);
    const { checkpoints } = index(gz, 32 * 1024);
    expect(readAt(gz, checkpoints, 1000, 1_200_000).equals(original.subarray(1000, 1_201_000))).toBe(true);
    expect(readAt(gz, checkpoints, original.length - 1, 1).equals(original.subarray(original.length - 1))).toBe(true);
  });

  it("ignores what follows the last member when it is not gzip, as gzip -dc does", () => {
    const original = sample(100_000);
    const { output } = index(Buffer.concat([gzipSync(original), Buffer.alloc(1024)]), 1 << 20);
    expect(output.equals(original)).toBe(true);
  });

  it("refuses a truncated or corrupt stream", () => {
    const gz = gzipSync(sample(200_000));
    expect(() => index(gz.subarray(0, gz.length - 100), 1 << 20)).toThrow(/unexpected end/);
    const corrupt = Buffer.from(gz);
    corrupt.fill(0xff, 5000, 5100);
    expect(() => index(corrupt, 1 << 20)).toThrow();
  });

  it("yields a bomb's output piece by piece, never all at once", () => {
    const gz = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    const inflater = new CheckpointingGunzip(1 << 30, () => {});
    let largest = 0;
    for (const piece of inflater.push(gz)) largest = Math.max(largest, piece.length);
    expect(largest).toBeLessThanOrEqual(256 * 1024);
    expect(inflater.outputBytes).toBe(50 * 1024 * 1024);
  });
});
