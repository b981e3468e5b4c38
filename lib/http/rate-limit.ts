import "server-only";

interface Bucket {
  tokens: number;
  updated: number;
}

const IDLE_BUCKETS_KEPT_MS = 10 * 60_000;

/**
 * A token bucket per client: `perMinute` tokens refill evenly over a minute, a request takes one,
 * and a client may burst up to `perMinute` at once. `take` answers how many seconds to wait when
 * the bucket is empty (for Retry-After), or 0 when the request may go ahead.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    private readonly perMinute: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  take(client: string): number {
    const now = this.now();
    const capacity = this.perMinute();
    const perMs = capacity / 60_000;
    const bucket = this.buckets.get(client) ?? { tokens: capacity, updated: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.updated) * perMs);
    bucket.updated = now;
    this.buckets.set(client, bucket);
    this.sweep(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  }

  /** Forgets clients idle long enough that their bucket is full again: memory stays bounded by recent clients. */
  private sweep(now: number): void {
    if (now - this.lastSweep < IDLE_BUCKETS_KEPT_MS) return;
    this.lastSweep = now;
    for (const [client, bucket] of this.buckets) if (now - bucket.updated > IDLE_BUCKETS_KEPT_MS) this.buckets.delete(client);
  }
}
