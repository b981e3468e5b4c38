import "server-only";
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { Availability } from "@/lib/availability";
import { DamagedEntry, DiskCache, type StoredEntry } from "@/lib/cache/disk-cache";
import { SharedFlight } from "@/lib/cache/shared-flight";
import { settings } from "@/lib/config";
import { processWide } from "@/lib/process-wide";
import { s3Store, StoreUnavailable, type ObjectStore } from "@/lib/store/s3-store";

/** After the store failed, how long this instance works without it before trying it again. */
const RETRY_AFTER_MS = 5_000;
/** How stale the health check's view of the store may be before it asks the store itself. */
const HEALTH_FRESH_MS = 5_000;

/**
 * The store behind the local disk, as this instance sees it: each call either reaches it or marks
 * it down (logged once) and answers as if the object were not there, and while it is down it is
 * not asked again for RETRY_AFTER_MS. Losing the store costs speed, never an answer.
 */
export class StoreLink {
  private retryAt = 0;
  private checkedAt = 0;
  private readonly pinging = new SharedFlight<void>();

  constructor(
    readonly store: ObjectStore,
    readonly availability = new Availability("store"),
  ) {}

  /** `call`'s answer, or `otherwise` when the store is down or fails now. */
  async attempt<T>(call: (store: ObjectStore) => Promise<T>, otherwise: T): Promise<T> {
    if (this.availability.state === "down" && Date.now() < this.retryAt) return otherwise;
    try {
      const answer = await call(this.store);
      this.reached();
      return answer;
    } catch (error) {
      if (!(error instanceof StoreUnavailable)) throw error;
      this.failed(error);
      return otherwise;
    }
  }

  /** For the health check: the state, asking the store (a HEAD of the bucket) when the last word is stale. */
  async state(): Promise<"ok" | "down"> {
    if (Date.now() - this.checkedAt > HEALTH_FRESH_MS) {
      await this.pinging.run("ping", () => this.attempt((store) => store.ping(), undefined));
    }
    return this.availability.state;
  }

  private reached(): void {
    this.checkedAt = Date.now();
    this.availability.up();
  }

  private failed(error: unknown): void {
    this.checkedAt = Date.now();
    this.retryAt = Date.now() + RETRY_AFTER_MS;
    this.availability.down(error);
  }
}

/**
 * The content-addressed cache every server module uses. The local disk (DiskCache: bounded, LRU,
 * self-checking) is the first level; with PORTHOLE_S3_BUCKET set, a shared S3 store is the second,
 * so what one instance made (a layer's listing, its indexes, a manifest) every instance has:
 * - a miss on the disk is looked up in the store and copied to the disk as it streams, checked
 *   against the digest recorded when it was written; a damaged or truncated object is never served:
 *   it is removed from the store, logged, and reported missing, so the caller makes it again;
 * - what is put goes to the disk, then to the store, created once and whole (If-None-Match: *):
 *   a reader never sees half an object, and the first of racing writers wins.
 * Keys are derived from digests: nothing in it ever changes.
 */
export class ContentCache {
  private readonly pulls = new SharedFlight<boolean>();

  constructor(
    readonly local: DiskCache,
    readonly shared: StoreLink | null,
  ) {}

  /** A small entry's checked bytes, or null. */
  async read(key: string): Promise<Buffer | null> {
    return (await this.local.read(key)) ?? ((await this.pull(key)) ? this.local.read(key) : null);
  }

  /** A checked entry: a small one's bytes, a large one's path on the local disk (see DiskCache.open); null when missing. */
  async open(key: string): Promise<Buffer | string | null> {
    return (await this.local.open(key)) ?? ((await this.pull(key)) ? this.local.open(key) : null);
  }

  /** Whether an entry is at hand, without reading it here (see DiskCache.has); one in the store only is copied down (checked) first. */
  async has(key: string): Promise<boolean> {
    return (await this.local.has(key)) || this.pull(key);
  }

  async put(key: string, data: Buffer | string | Readable): Promise<void> {
    const shared = this.shared;
    await this.local.put(key, data, shared ? { publish: (stored) => this.publish(shared, key, stored) } : {});
  }

  private async publish(shared: StoreLink, key: string, { path, size, sha256 }: StoredEntry): Promise<void> {
    await shared.attempt((store) => store.putIfAbsent(key, () => createReadStream(path), size, sha256), "skipped");
  }

  /** Copies `key` from the store to the local disk (once, however many ask at a time); whether it is there now. */
  private pull(key: string): Promise<boolean> {
    const shared = this.shared;
    if (!shared) return Promise.resolve(false);
    return this.pulls.run(key, () => shared.attempt((store) => this.copyDown(store, key), false));
  }

  private async copyDown(store: ObjectStore, key: string): Promise<boolean> {
    const object = await store.get(key);
    if (!object) return false;
    try {
      await this.local.put(key, object.body, { expect: { size: object.size, sha256: object.sha256 } });
      return true;
    } catch (error) {
      // The body broke off mid-way: the store's failure, not the object's.
      if (!(error instanceof DamagedEntry)) throw new StoreUnavailable(error instanceof Error ? error.message : String(error));
      console.error(JSON.stringify({ store: "removed a damaged object", key, problem: error.message }));
      await store.remove(key);
      return false;
    }
  }
}

/** The process-wide cache (PORTHOLE_CACHE_DIR and PORTHOLE_CACHE_MAX_BYTES, PORTHOLE_S3_* for the store). */
export function contentCache(): ContentCache {
  return processWide("content-cache", () => {
    const { cacheDir, cacheMaxBytes, s3Bucket, s3Prefix, s3Endpoint, s3ForcePathStyle } = settings();
    const store = s3Bucket ? s3Store({ bucket: s3Bucket, prefix: s3Prefix, endpoint: s3Endpoint, forcePathStyle: s3ForcePathStyle }) : null;
    return new ContentCache(new DiskCache(cacheDir, cacheMaxBytes), store && new StoreLink(store));
  });
}

/** The store as the health check reports it: `off` when none is set. */
export async function storeState(): Promise<"ok" | "down" | "off"> {
  const shared = contentCache().shared;
  return shared ? shared.state() : "off";
}
