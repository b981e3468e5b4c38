/** Helpers for the hostile-input tests: a seeded PRNG, tar header surgery, lazy layer sources, loopback servers. */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { PortholeError } from "@/lib/core/errors";

/** mulberry32: a tiny seeded PRNG, so every fuzz run can be replayed from its seed. */
export function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return {
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
    bytes: (length: number) => Buffer.from(Array.from({ length }, () => int(256))),
  };
}
export type Prng = ReturnType<typeof prng>;

/** Offsets of the header blocks of a well-formed tar, found by walking the size fields. */
export function headerOffsets(archive: Buffer): number[] {
  const offsets: number[] = [];
  for (let offset = 0; offset + 512 <= archive.length; ) {
    if (archive.subarray(offset, offset + 512).every((byte) => byte === 0)) break;
    offsets.push(offset);
    const size = parseInt(archive.toString("latin1", offset + 124, offset + 136).replace(/\0.*$/, "").trim() || "0", 8);
    offset += 512 + Math.ceil(Math.max(0, size) / 512) * 512;
  }
  return offsets;
}

/** Recomputes the checksum of the header at `offset` after a field was rewritten. */
export function fixChecksum(archive: Buffer, offset: number): void {
  archive.fill(0x20, offset + 148, offset + 156);
  let sum = 0;
  for (let i = offset; i < offset + 512; i++) sum += archive[i] as number;
  archive.write(`${sum.toString(8).padStart(6, "0")}\0 `, offset + 148, "latin1");
}

/** Feeds bytes in chunks of random sizes, so format sniffing and header parsing see every split. */
export function chunked(bytes: Buffer, random: Prng, largest = 4096): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < bytes.length; ) {
        const size = 1 + random.int(largest);
        yield bytes.subarray(offset, offset + size);
        offset += size;
      }
    })(),
  );
}

export type Outcome = { kind: "finished"; entries: number } | { kind: "failed"; error: unknown } | { kind: "timeout" };

/** Runs `work`, giving up after `ms` (the work's own stream is destroyed by `abort`). */
export async function within(ms: number, work: () => Promise<number>, abort: () => void): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve({ kind: "timeout" }), ms)));
  const run = work().then(
    (entries): Outcome => ({ kind: "finished", entries }),
    (error: unknown): Outcome => ({ kind: "failed", error }),
  );
  const outcome = await Promise.race([run, timeout]);
  clearTimeout(timer);
  if (outcome.kind === "timeout") abort();
  return outcome;
}

/** What went wrong with an outcome, or null when it is one the layer reader may give. */
export function misbehaviour(outcome: Outcome): string | null {
  if (outcome.kind === "timeout") return "did not finish in time";
  if (outcome.kind === "failed" && !(outcome.error instanceof PortholeError)) {
    return `threw ${(outcome.error as Error)?.name ?? typeof outcome.error}: ${(outcome.error as Error)?.message ?? String(outcome.error)}`;
  }
  return null;
}

/** Resident memory now, in bytes, after a garbage collection when the runtime allows one. */
export function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

const BLOCK = 512;

/** A ustar header block: `size` as octal (or base-256 when it does not fit), checksum filled in. */
export function tarHeader(name: string, options: { size?: number; type?: string } = {}): Buffer {
  const header = Buffer.alloc(BLOCK);
  header.write(name, 0, 100, "utf8");
  header.write("0000644\0", 100, "latin1");
  header.write("0000000\0", 108, "latin1");
  header.write("0000000\0", 116, "latin1");
  const size = options.size ?? 0;
  if (size < 8 ** 11) {
    header.write(`${size.toString(8).padStart(11, "0")}\0`, 124, "latin1");
  } else {
    header[124] = 0x80; // base-256, as GNU tar writes sizes of 8 GiB and more
    header.writeBigUInt64BE(BigInt(size), 128);
  }
  header.write(`${(1_700_000_000).toString(8).padStart(11, "0")}\0`, 136, "latin1");
  header.write(options.type ?? "0", 156, "latin1");
  header.write("ustar\x0000", 257, "latin1");
  fixChecksum(header, 0);
  return header;
}

/** A PAX extended header (`x`) carrying `records`, with each record's length prefix right. */
export function paxHeader(records: Record<string, string>): Buffer {
  let body = "";
  for (const [key, value] of Object.entries(records)) {
    const record = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(record);
    while (String(length).length + Buffer.byteLength(record) !== length) length = String(length).length + Buffer.byteLength(record);
    body += `${length}${record}`;
  }
  const content = Buffer.from(body);
  return Buffer.concat([tarHeader("PaxHeaders/entry", { size: content.length, type: "x" }), content, Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK)]);
}

/**
 * A tar of `count` empty files, made as it is read (never held whole): headers are stamped from one
 * template, their checksums adjusted by the name bytes alone.
 */
export function lazyEmptyEntries(count: number): Readable {
  const template = tarHeader("");
  const templateSum = parseInt(template.toString("latin1", 148, 154), 8);
  const PER_CHUNK = 128;
  return Readable.from(
    (function* () {
      for (let first = 0; first < count; first += PER_CHUNK) {
        const chunk = Buffer.alloc(BLOCK * Math.min(PER_CHUNK, count - first));
        for (let offset = 0, i = first; offset < chunk.length; offset += BLOCK, i++) {
          template.copy(chunk, offset);
          const written = chunk.write(`f/${i}`, offset, 100, "latin1");
          let sum = templateSum;
          for (let j = offset; j < offset + written; j++) sum += chunk[j] as number;
          chunk.write(`${sum.toString(8).padStart(6, "0")}\0 `, offset + 148, "latin1");
        }
        yield chunk;
      }
      yield Buffer.alloc(2 * BLOCK);
    })(),
  );
}

/** A tar holding one file of `size` zero bytes, made as it is read, in chunks of one shared 1 MiB buffer. */
export function lazyZeroFile(name: string, size: number): Readable {
  const zeros = Buffer.alloc(1 << 20);
  return Readable.from(
    (function* () {
      yield tarHeader(name, { size });
      for (let left = size; left > 0; left -= zeros.length) yield left >= zeros.length ? zeros : zeros.subarray(0, left);
      yield Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK + 2 * BLOCK);
    })(),
  );
}

/** An in-process HTTP server on 127.0.0.1 (for faults a real registry cannot be made to show). */
export async function loopbackServer(handler: RequestListener): Promise<{ host: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** Waits until `condition` holds, checking every few ms; throws after `ms`. */
export async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
