import "server-only";
import { randomUUID } from "node:crypto";
import { asPortholeError, PortholeError } from "@/lib/core/errors";
import { runScript, sharedRedis, withRedis, type LuaScript, type RedisLink } from "@/lib/coord/redis";

/** How long a lease lasts without renewal: how long waiters wait for an instance that died holding one. */
export const LEASE_MS = 10_000;

const DONE = "done";

const RENEW: LuaScript = {
  name: "portholeLeaseRenew",
  keys: 1,
  // KEYS[1] the lease; ARGV[1] the holder's token, ARGV[2] the lease in ms. Only its holder renews it.
  lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`,
};

const END: LuaScript = {
  name: "portholeLeaseEnd",
  keys: 1,
  // KEYS[1] the lease; ARGV[1] the holder's token, ARGV[2] the channel, ARGV[3] the outcome.
  // Deleted only by its holder (a lease that ran out may be another's now); the outcome is told either way.
  lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return redis.call('PUBLISH', ARGV[2], ARGV[3])`,
};

export interface SharedWork<T> {
  /** The result if some instance has made it already (it is kept where every instance can read it), else null. */
  find: () => Promise<T | null>;
  /** Makes the result and stores it where `find` will see it, before returning. */
  make: () => Promise<T>;
  leaseMs?: number;
}

interface Lease {
  link: RedisLink;
  key: string;
  channel: string;
  token: string;
  ms: number;
}

type Turn<T> = { lease: Lease } | { found: T } | "look again" | "alone";

/**
 * Work done once across every instance: the first to need `key` takes a lease in Redis and makes
 * the result; the others wait for its word, then `find` it. Waiters get the maker's failure as the
 * same PortholeError rather than repeat a doomed download, and take over if the maker dies (its
 * lease runs out unrenewed). Without Redis, or if it fails on the way, this instance makes it alone.
 */
export async function onceAcrossInstances<T>(key: string, work: SharedWork<T>, link: RedisLink | null = sharedRedis()): Promise<T> {
  const leaseMs = work.leaseMs ?? LEASE_MS;
  for (;;) {
    // A result already there costs no Redis round trip.
    const found = await work.find();
    if (found !== null) return found;
    const turn = await withRedis<Turn<T>>(
      (live) => takeOrWait(live, key, leaseMs, work.find),
      () => "alone",
      link,
    );
    if (turn === "alone") return work.make();
    if (turn === "look again") continue;
    if ("found" in turn) return turn.found;
    return makeHolding(turn.lease, work);
  }
}

async function takeOrWait<T>(link: RedisLink, key: string, ms: number, find: () => Promise<T | null>): Promise<Turn<T>> {
  const lease = { link, key: `porthole:lease:${key}`, channel: `porthole:lease:${key}:end`, token: randomUUID(), ms };
  if (await link.redis.set(lease.key, lease.token, "PX", ms, "NX")) return { lease };
  return waitForHolder(lease, find);
}

/**
 * Waits for the lease's holder without polling: one message when it ends, and one timer for when
 * the lease would run out, which only fires when the holder stopped renewing (it died).
 */
async function waitForHolder<T>(lease: Lease, find: () => Promise<T | null>): Promise<Turn<T>> {
  const { link } = lease;
  const subscription = await link.subscribe(lease.channel);
  try {
    for (;;) {
      // The holder may have finished between our SET and our SUBSCRIBE: its word went to nobody.
      const found = await find();
      if (found !== null) return { found };
      const left = await link.redis.pttl(lease.key);
      if (left < 0) return "look again";
      const outcome = await subscription.next(left);
      if (outcome === DONE) return "look again";
      if (outcome !== null) throw PortholeError.fromJSON(500, JSON.parse(outcome));
    }
  } finally {
    subscription.close();
  }
}

async function makeHolding<T>(lease: Lease, work: SharedWork<T>): Promise<T> {
  const renew = () =>
    withRedis(
      (link) => runScript(link.redis, RENEW, [lease.key], [lease.token, lease.ms]),
      () => null,
      lease.link,
    );
  // A renewal alone must not keep a process alive.
  const renewal = setInterval(() => void renew(), lease.ms / 3).unref();
  let result: T;
  try {
    // Another instance may have finished between our `find` and taking the lease.
    result = (await work.find()) ?? (await work.make());
  } catch (error) {
    void end(lease, JSON.stringify(asPortholeError(error).toJSON()));
    throw error;
  } finally {
    clearInterval(renewal);
  }
  void end(lease, DONE);
  return result;
}

/** Ends the lease and tells the waiters; the caller need not wait for that, and it cannot fail. */
function end(lease: Lease, outcome: string): Promise<unknown> {
  return withRedis(
    (link) => runScript(link.redis, END, [lease.key], [lease.token, lease.channel, outcome]),
    () => null,
    lease.link,
  );
}
