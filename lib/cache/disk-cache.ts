import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, readdir, rename, rm, stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { MemoryLru } from "@/lib/cache/memory-lru";

/** A stored entry: its file is named `<sha256 of key>-<sha256 of content>`, so it carries its own check. */
interface Entry {
  file: string;
  size: number;
  content: string;
}

/** An entry as stored: where, how big, and the sha256 of its bytes. */
export interface StoredEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface PutOptions {
  expect?: { size: number; sha256: string | null };
  publish?: (stored: StoredEntry) => Promise<void>;
}

/** Bytes that are not what they were said to be: kept nowhere. */
export class DamagedEntry extends Error {
  override name = "DamagedEntry";
}

/** What is wrong with bytes that should be `expected`, or null when they are. */
function damageOf(expected: { size: number; sha256: string | null }, actual: { size: number; sha256: string }): string | null {
  if (expected.sha256 === null) return "it carries no digest";
  if (actual.size !== expected.size) return `${actual.size} bytes where ${expected.size} were written`;
  if (actual.sha256 !== expected.sha256) return "its bytes do not match their digest";
  return null;
}

/** An entry looked up by key: its key hash, what was written, and where. */
interface Found {
  name: string;
  entry: Entry;
  path: string;
}

const ENTRY_NAME = /^([0-9a-f]{64})-([0-9a-f]{64})$/;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function digestOfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Small entries read back are also kept in memory, checked once, up to this many bytes in all (bursts of requests for one image read the same manifests again and again). */
const MEMORY_MAX_BYTES = 32 * 1024 ** 2;
const MEMORY_ENTRY_MAX_BYTES = 1024 ** 2;

/**
 * A content-addressed, size-bounded disk cache with least-recently-used eviction.
 * Only immutable data goes in (keys are derived from digests), so entries never need invalidating.
 * Writes go to a temporary file that is renamed into place: a crash never leaves a partial entry
 * that a later read would take as whole. Every read checks the entry against the content digest in
 * its name: a file damaged on disk (truncated, bit rot, a full disk) is dropped, logged and reported
 * missing, so callers fetch it again instead of serving it. Recency survives restarts through mtimes.
 * Small entries that were read are kept in memory as well, where no disk fault reaches them: a
 * read of one touches no file (so its mtime, the recency after a restart, is that of its last read
 * from disk).
 */
export class DiskCache {
  private readonly entries = new Map<string, Entry>(); // key hash -> entry, oldest first
  private total = 0;
  private readonly inMemory = new MemoryLru(MEMORY_MAX_BYTES, MEMORY_ENTRY_MAX_BYTES); // key hash -> checked bytes
  private loaded: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /** The path of a cached entry whose bytes check out (and marks it recently used), or null. For entries sent as files. */
  async get(key: string): Promise<string | null> {
    const found = await this.lookup(key);
    return found && this.checkedPath(key, found);
  }

  private async checkedPath(key: string, found: Found): Promise<string | null> {
    const problem = await this.damage(found.path, found.entry);
    if (problem) return this.drop(key, found.name, found.path, problem);
    return this.touch(found.name, found.entry, found.path);
  }

  /**
   * Whether an entry is here, whole by its size, without reading it: for questions that only ask
   * (whether a layer was listed). Whoever reads it still gets it checked.
   */
  async has(key: string): Promise<boolean> {
    const found = await this.lookup(key);
    if (!found) return false;
    const info = await stat(found.path).catch(() => null);
    if (info?.size !== found.entry.size) return false;
    this.markUsed(found.name, found.entry);
    return true;
  }

  /** A small cached entry's bytes, read once and checked in memory (and marked recently used), or null. */
  async read(key: string): Promise<Buffer | null> {
    const found = await this.lookup(key);
    return found && this.checkedBytes(key, found);
  }

  private async checkedBytes(key: string, found: Found): Promise<Buffer | null> {
    const kept = this.inMemory.get(found.name);
    if (kept) {
      this.markUsed(found.name, found.entry);
      return kept;
    }
    const bytes = await readFile(found.path).catch(() => null);
    if (!bytes) return this.drop(key, found.name, found.path, "the file is gone");
    if (bytes.length !== found.entry.size)
      return this.drop(key, found.name, found.path, `${bytes.length} bytes on disk, ${found.entry.size} written`);
    if (createHash("sha256").update(bytes).digest("hex") !== found.entry.content) {
      return this.drop(key, found.name, found.path, "its bytes do not match their digest");
    }
    await this.touch(found.name, found.entry, found.path);
    this.inMemory.set(found.name, bytes);
    return bytes;
  }

  /** A checked entry: a small one's bytes (kept in memory, as `read`), a large one's path (as `get`); null when missing or damaged. */
  async open(key: string): Promise<Buffer | string | null> {
    const found = await this.lookup(key);
    if (!found) return null;
    return found.entry.size <= MEMORY_ENTRY_MAX_BYTES ? this.checkedBytes(key, found) : this.checkedPath(key, found);
  }

  private async lookup(key: string): Promise<Found | null> {
    await this.load();
    const name = sha256(key);
    const entry = this.entries.get(name);
    return entry ? { name, entry, path: join(this.dir, entry.file) } : null;
  }

  /** A damaged entry is logged and removed: the caller fetches it again, never serves it. */
  private async drop(key: string, name: string, path: string, problem: string): Promise<null> {
    console.error(JSON.stringify({ cache: "dropped a damaged entry", key, problem }));
    this.forget(name);
    await rm(path, { force: true });
    return null;
  }

  /** Moves an entry to the recent end of the eviction order. */
  private markUsed(name: string, entry: Entry): void {
    this.entries.delete(name);
    this.entries.set(name, entry);
  }

  private async touch(name: string, entry: Entry, path: string): Promise<string> {
    this.markUsed(name, entry);
    const now = new Date();
    await utimes(path, now, now).catch(() => undefined);
    return path;
  }

  /**
   * Stores `data` under `key` atomically; a failing source leaves nothing behind. `expect`: the
   * bytes must be these (from a shared store), or nothing is kept and DamagedEntry is thrown.
   * `publish` sees the entry once it is in place, before anything is evicted (to copy it on).
   */
  async put(key: string, data: Buffer | string | Readable, options: PutOptions = {}): Promise<void> {
    await this.load();
    const name = sha256(key);
    const tmp = join(this.dir, `.tmp-${randomBytes(8).toString("hex")}`);
    const hash = createHash("sha256");
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      const source = typeof data === "string" || Buffer.isBuffer(data) ? Readable.from([Buffer.from(data)]) : data;
      await pipeline(source, tap, createWriteStream(tmp));
      const { size } = await stat(tmp);
      const content = hash.digest("hex");
      const mismatch = options.expect && damageOf(options.expect, { size, sha256: content });
      if (mismatch) throw new DamagedEntry(mismatch);
      const entry: Entry = { file: `${name}-${content}`, size, content };
      const previous = this.entries.get(name);
      await rename(tmp, join(this.dir, entry.file));
      this.forget(name);
      if (previous && previous.file !== entry.file) await rm(join(this.dir, previous.file), { force: true });
      this.entries.set(name, entry);
      this.total += size;
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    const stored = this.entries.get(name);
    if (options.publish && stored) await options.publish({ path: join(this.dir, stored.file), size: stored.size, sha256: stored.content });
    await this.evict();
  }

  /** What is wrong with an entry's file, or null when its size and digest are as written. */
  private async damage(path: string, entry: Entry): Promise<string | null> {
    const info = await stat(path).catch(() => null);
    if (!info) return "the file is gone";
    if (info.size !== entry.size) return `${info.size} bytes on disk, ${entry.size} written`;
    if ((await digestOfFile(path)) !== entry.content) return "its bytes do not match their digest";
    return null;
  }

  private forget(name: string): void {
    this.inMemory.delete(name);
    const entry = this.entries.get(name);
    if (!entry) return;
    this.entries.delete(name);
    this.total -= entry.size;
  }

  private async evict(): Promise<void> {
    for (const [name, entry] of this.entries) {
      if (this.total <= this.maxBytes) return;
      this.forget(name);
      await rm(join(this.dir, entry.file), { force: true });
    }
  }

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      const found: (Entry & { name: string; used: number })[] = [];
      for (const file of await readdir(this.dir)) {
        const path = join(this.dir, file);
        const match = ENTRY_NAME.exec(file);
        const info = match ? await stat(path).catch(() => null) : null;
        // Crash leftovers (.tmp-*) and files of an older format carry no check: they go.
        if (!match || !info?.isFile()) {
          if (!info?.isDirectory()) await rm(path, { force: true });
          continue;
        }
        found.push({ name: match[1] as string, file, size: info.size, content: match[2] as string, used: info.mtimeMs });
      }
      found.sort((a, b) => a.used - b.used);
      for (const { name, file, size, content } of found) {
        this.entries.set(name, { file, size, content });
        this.total += size;
      }
    })();
    return this.loaded;
  }
}
