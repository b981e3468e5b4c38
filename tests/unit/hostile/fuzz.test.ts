/**
 * Fuzzing of the layer reader: random bytes, and valid tars (plain, gzip, zstd) mutated the ways
 * broken or hostile layers are (bit flips, truncation, duplicated or deleted blocks, bad checksums,
 * huge octal or base-256 sizes, garbage fields, hostile PAX records). Whatever the input,
 * `listLayer` must finish or throw a PortholeError, in time, with every listed path inside `/`.
 * Replay a run with PORTHOLE_FUZZ_SEED=<seed>; PORTHOLE_FUZZ_SCALE=<n> runs n times more inputs.
 */
import { execFileSync } from "node:child_process";
import type { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { listLayer } from "@/lib/layer/read";
import { packLayer } from "@/tests/support/image-builder";
import { chunked, prng, type Prng } from "@/tests/support/random";
import { within, type Outcome } from "@/tests/support/run";
import { END_OF_ARCHIVE, fixChecksum, gnuLongEntry, headerOffsets, rawEntry } from "@/tests/support/tar";

const SEED = Number(process.env.PORTHOLE_FUZZ_SEED) || 0x5eed_f00d;
const SCALE = Number(process.env.PORTHOLE_FUZZ_SCALE) || 1;
const PER_INPUT_MS = 3000;

type Mutation = (bytes: Buffer, random: Prng) => Buffer;

const inRandomHeader = (archive: Buffer, random: Prng, rewrite: (out: Buffer, header: number) => void): Buffer => {
  const headers = headerOffsets(archive);
  if (headers.length === 0) return archive;
  const out = Buffer.from(archive);
  const header = random.pick(headers);
  rewrite(out, header);
  return out;
};

const FIELDS: [start: number, end: number][] = [
  [0, 100],
  [100, 108],
  [108, 116],
  [116, 124],
  [124, 136],
  [136, 148],
  [156, 157],
  [157, 257],
  [257, 265],
  [329, 345],
  [345, 500],
];

const PAX_RECORDS = [
  "size=99999999999999999999",
  "size=-1",
  "size=abc",
  `size=${2 ** 53 + 1}`,
  "path=../../../etc/passwd",
  "path=/",
  "path=",
  "linkpath=../../x",
  "mtime=nan",
  "uid=-5",
];
function paxRecords(random: Prng): string {
  let text = "";
  for (let i = 1 + random.int(3); i > 0; i--) {
    const record = ` ${random.pick(PAX_RECORDS)}\n`;
    const length = String(record.length + 2).length + record.length; // right for lengths of 10..99
    text += random.int(5) === 0 ? `${random.pick(["0", "-3", "1", "99999", "x"])}${record}` : `${length}${record}`;
  }
  return text;
}

/** What happens to tars on the way: each returns a new buffer. */
const TAR_MUTATIONS: Record<string, Mutation> = {
  "flip bits": (bytes, random) => {
    const out = Buffer.from(bytes);
    for (let i = 1 + random.int(8); i > 0 && out.length > 0; i--) {
      const at = random.int(out.length);
      out[at] = (out[at] as number) ^ (1 << random.int(8));
    }
    return out;
  },
  truncate: (bytes, random) => bytes.subarray(0, random.int(bytes.length)),
  "duplicate a block": (bytes, random) => {
    const at = random.int(Math.ceil(bytes.length / 512)) * 512;
    return Buffer.concat([bytes.subarray(0, at + 512), bytes.subarray(at, at + 512), bytes.subarray(at + 512)]);
  },
  "delete a block": (bytes, random) => {
    const at = random.int(Math.ceil(bytes.length / 512)) * 512;
    return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 512)]);
  },
  "corrupt a checksum": (bytes, random) => inRandomHeader(bytes, random, (out, header) => random.bytes(8).copy(out, header + 148)),
  "huge octal size": (bytes, random) =>
    inRandomHeader(bytes, random, (out, header) => {
      out.write(random.pick(["77777777777\0", "777777777777", "00000001000\0", "7777777777 \0"]), header + 124, "latin1");
      fixChecksum(out, header);
    }),
  "base-256 size": (bytes, random) =>
    inRandomHeader(bytes, random, (out, header) => {
      out[header + 124] = random.pick([0x80, 0xff]);
      random.bytes(11).copy(out, header + 125);
      if (random.int(2) === 0) out.fill(0, header + 125, header + 130 + random.int(6)); // sometimes a plausible size
      fixChecksum(out, header);
    }),
  "garbage in a field": (bytes, random) =>
    inRandomHeader(bytes, random, (out, header) => {
      const [start, end] = random.pick(FIELDS);
      random.bytes(end - start).copy(out, header + start);
      fixChecksum(out, header);
    }),
  "hostile PAX header": (bytes, random) => {
    const headers = headerOffsets(bytes);
    const at = headers.length > 0 ? random.pick(headers) : 0;
    const pax = rawEntry("PaxHeaders/x", { type: random.pick(["x", "g"]), content: paxRecords(random) });
    return Buffer.concat([bytes.subarray(0, at), pax, bytes.subarray(at)]);
  },
};

/** What happens to compressed blobs: no tar structure to aim at. */
const BLOB_MUTATIONS: Record<string, Mutation> = {
  "flip bits": TAR_MUTATIONS["flip bits"] as Mutation,
  truncate: TAR_MUTATIONS.truncate as Mutation,
  "overwrite a range": (bytes, random) => {
    const out = Buffer.from(bytes);
    random.bytes(1 + random.int(64)).copy(out, random.int(out.length));
    return out;
  },
  "append garbage": (bytes, random) => Buffer.concat([bytes, random.bytes(1 + random.int(2000))]),
  "repeat a range": (bytes, random) => {
    const at = random.int(bytes.length);
    return Buffer.concat([bytes.subarray(0, at + 100), bytes.subarray(at)]);
  },
};

function mutate(bytes: Buffer, mutations: Record<string, Mutation>, random: Prng): { bytes: Buffer; applied: string[] } {
  const applied: string[] = [];
  let out = bytes;
  for (let i = 1 + random.int(3); i > 0; i--) {
    const name = random.pick(Object.keys(mutations));
    out = (mutations[name] as Mutation)(out, random);
    applied.push(name);
  }
  return { bytes: out, applied };
}

const zstd = (bytes: Buffer) => execFileSync("zstd", ["-q", "-c", "-3"], { input: bytes, maxBuffer: 1 << 28 });

async function seedTars(random: Prng): Promise<Buffer[]> {
  const packed = await packLayer([
    { name: "etc/", type: "directory" },
    { name: "etc/hosts", content: random.bytes(random.int(2000)) },
    { name: "usr/bin/tool", content: random.bytes(1500 + random.int(3000)), mode: 0o755 },
    { name: "usr/bin/alias", type: "symlink", linkname: "tool" },
    { name: "usr/bin/hard", type: "link", linkname: "usr/bin/tool" },
    { name: `deep/${"n".repeat(120)}/${"x".repeat(90)}.txt`, content: "pax name" },
    { name: "häßlich ☃.txt", content: "utf-8 name" },
    { name: "etc/.wh.shadow" },
    { name: "var/cache/.wh..wh..opq" },
    { name: "run/pipe", type: "fifo" },
  ]);
  const raw = Buffer.concat([
    gnuLongEntry(`gnu/${"g".repeat(200)}`, { content: "long" }),
    rawEntry(Buffer.from([0x63, 0x61, 0x66, 0xe9]), { content: "latin1" }),
    rawEntry("v7.txt", { content: random.bytes(700), magic: false }),
    END_OF_ARCHIVE,
  ]);
  return [packed, raw, END_OF_ARCHIVE];
}

/** Lists a layer, checking every entry it yields; returns how many there were. */
async function listChecked(body: Readable, problems: string[]): Promise<number> {
  let count = 0;
  for await (const batch of listLayer(body)) {
    for (const entry of batch) {
      count++;
      const problem = badEntry(entry);
      if (problem) problems.push(problem);
    }
  }
  return count;
}

function badEntry(entry: LayerEntry): string | null {
  const outside = (path: string) =>
    !path.startsWith("/") ||
    path
      .split("/")
      .slice(1)
      .some((part) => part === "." || part === ".." || (part === "" && path !== "/"));
  if (outside(entry.path)) return `listed path ${JSON.stringify(entry.path)} is not clean and inside /`;
  if (entry.type === "hardlink" && entry.linkname !== undefined && outside(entry.linkname))
    return `hardlink target ${JSON.stringify(entry.linkname)} is outside /`;
  for (const field of ["size", "mode", "uid", "gid", "mtime"] as const) {
    if (!Number.isFinite(entry[field])) return `${field} is ${entry[field]}`;
  }
  return null;
}

/** What went wrong with an outcome, or null when it is one the layer reader may give. */
function misbehaviour(outcome: Outcome<number>): string | null {
  if (outcome.kind === "timeout") return "did not finish in time";
  if (outcome.kind === "failed" && !(outcome.error instanceof PortholeError)) {
    return `threw ${(outcome.error as Error)?.name ?? typeof outcome.error}: ${(outcome.error as Error)?.message ?? String(outcome.error)}`;
  }
  return null;
}

const unhandled: unknown[] = [];
const record = (error: unknown) => unhandled.push(error);
beforeAll(() => {
  process.on("unhandledRejection", record);
  process.on("uncaughtException", record);
});
afterAll(() => {
  process.off("unhandledRejection", record);
  process.off("uncaughtException", record);
});

/** Runs every input through listLayer; the failures name the input so a seed replays it. */
async function fuzz(
  inputs: Iterable<{ label: string; bytes: Buffer }>,
  random: Prng,
): Promise<{ failures: string[]; outcomes: Record<string, number> }> {
  const failures: string[] = [];
  const outcomes: Record<string, number> = {};
  for (const { label, bytes } of inputs) {
    const problems: string[] = [];
    let body: Readable | null = null;
    const outcome = await within(
      PER_INPUT_MS,
      () => listChecked((body = chunked(bytes, random)), problems),
      () => body?.destroy(),
    );
    const key = outcome.kind === "failed" ? `${outcome.kind}:${(outcome.error as { code?: string }).code}` : outcome.kind;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    const wrong = misbehaviour(outcome) ?? problems[0];
    if (wrong) failures.push(`${label} (${bytes.length} bytes): ${wrong}`);
  }
  await new Promise((resolve) => setImmediate(resolve));
  failures.push(...unhandled.splice(0).map((error) => `unhandled: ${String(error)}`));
  return { failures, outcomes };
}

describe(`fuzzing listLayer (seed ${SEED}, replay with PORTHOLE_FUZZ_SEED=${SEED})`, () => {
  let tars: Buffer[] = [];
  beforeAll(async () => {
    tars = await seedTars(prng(SEED));
  });

  it("random bytes, also behind gzip, zstd and tar headers", async () => {
    const random = prng(SEED + 1);
    const prefixes = [
      Buffer.alloc(0),
      Buffer.from([0x1f, 0x8b, 0x08, 0x00]),
      Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
      rawEntry("f", { content: "x" }).subarray(0, 512),
    ];
    const inputs = Array.from({ length: 60 * SCALE }, (_, i) => {
      const prefix = random.pick(prefixes);
      return { label: `random #${i} after a ${prefix.length}-byte prefix`, bytes: Buffer.concat([prefix, random.bytes(random.int(5000))]) };
    });
    const { failures, outcomes } = await fuzz(inputs, random);
    expect(failures).toEqual([]);
    expect(outcomes["failed:UNSUPPORTED"]).toBeGreaterThan(0);
  });

  it("mutated tars", async () => {
    const random = prng(SEED + 2);
    const inputs = Array.from({ length: 160 * SCALE }, (_, i) => {
      const base = random.int(tars.length);
      const { bytes, applied } = mutate(tars[base] as Buffer, TAR_MUTATIONS, random);
      return { label: `tar #${i}: seed tar ${base}, ${applied.join(" + ")}`, bytes };
    });
    const { failures, outcomes } = await fuzz(inputs, random);
    expect(failures).toEqual([]);
    // The mutations must reach the reader's paths: some inputs still list, some fail as invalid.
    expect(outcomes.finished).toBeGreaterThan(0);
    expect(outcomes["failed:UPSTREAM_INVALID"]).toBeGreaterThan(0);
  });

  for (const [kind, squeeze] of [
    ["gzip", (bytes: Buffer) => gzipSync(bytes)],
    ["zstd", zstd],
  ] as const) {
    it(`${kind}: mutated tars compressed, and compressed tars mutated`, async () => {
      const random = prng(SEED + (kind === "gzip" ? 3 : 4));
      const compressed = tars.map((tar) => squeeze(tar));
      const inputs = Array.from({ length: 60 * SCALE }, (_, i) => {
        const base = random.int(tars.length);
        if (i % 2 === 0) {
          const { bytes, applied } = mutate(tars[base] as Buffer, TAR_MUTATIONS, random);
          return { label: `${kind} #${i}: seed tar ${base}, ${applied.join(" + ")}, then compressed`, bytes: squeeze(bytes) };
        }
        const { bytes, applied } = mutate(compressed[base] as Buffer, BLOB_MUTATIONS, random);
        return { label: `${kind} #${i}: seed tar ${base} compressed, then ${applied.join(" + ")}`, bytes };
      });
      const { failures, outcomes } = await fuzz(inputs, random);
      expect(failures).toEqual([]);
      expect(outcomes.finished).toBeGreaterThan(0);
      expect(outcomes["failed:UPSTREAM_INVALID"]).toBeGreaterThan(0);
    });
  }
});
