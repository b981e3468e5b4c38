import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { settings } from "@/lib/config";

/**
 * A content-addressed, size-bounded disk cache with least-recently-used eviction.
 * Only immutable data goes in (keys are derived from digests), so entries never need invalidating.
 * Writes go to a temporary file that is renamed into place: a crash never leaves a partial entry
 * that a later read would take as whole. Recency survives restarts through file mtimes.
 */
export class DiskCache {
  private readonly entries = new Map<string, number>(); // file name -> size, oldest first
  private total = 0;
  private loaded: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /** The path of a cached entry (and marks it recently used), or null. */
  async get(key: string): Promise<string | null> {
    await this.load();
    const name = fileName(key);
    const size = this.entries.get(name);
    if (size === undefined) return null;
    this.entries.delete(name);
    this.entries.set(name, size);
    const path = join(this.dir, name);
    const now = new Date();
    try {
      await utimes(path, now, now);
    } catch {
      this.forget(name); // removed behind our back
      return null;
    }
    return path;
  }

  /** Stores `data` under `key` atomically; a failing source leaves nothing behind. */
  async put(key: string, data: Buffer | string | Readable): Promise<void> {
    await this.load();
    const name = fileName(key);
    const tmp = join(this.dir, `.tmp-${randomBytes(8).toString("hex")}`);
    try {
      if (typeof data === "string" || Buffer.isBuffer(data)) await writeFile(tmp, data);
      else await pipeline(data, createWriteStream(tmp));
      const { size } = await stat(tmp);
      await rename(tmp, join(this.dir, name));
      this.forget(name);
      this.entries.set(name, size);
      this.total += size;
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    await this.evict();
  }

  private forget(name: string): void {
    const size = this.entries.get(name);
    if (size === undefined) return;
    this.entries.delete(name);
    this.total -= size;
  }

  private async evict(): Promise<void> {
    for (const [name] of this.entries) {
      if (this.total <= this.maxBytes) return;
      this.forget(name);
      await rm(join(this.dir, name), { force: true });
    }
  }

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      const found: { name: string; size: number; used: number }[] = [];
      for (const name of await readdir(this.dir)) {
        const path = join(this.dir, name);
        if (name.startsWith(".tmp-")) {
          await rm(path, { force: true }); // left by a crash mid-write
          continue;
        }
        const info = await stat(path).catch(() => null);
        if (info?.isFile()) found.push({ name, size: info.size, used: info.mtimeMs });
      }
      found.sort((a, b) => a.used - b.used);
      for (const { name, size } of found) {
        this.entries.set(name, size);
        this.total += size;
      }
    })();
    return this.loaded;
  }
}

function fileName(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

let shared: DiskCache | null = null;

/** The process-wide cache (PORTHOLE_CACHE_DIR, PORTHOLE_CACHE_MAX_BYTES). */
export function diskCache(): DiskCache {
  shared ??= new DiskCache(settings().cacheDir, settings().cacheMaxBytes);
  return shared;
}
