import "server-only";
import { randomUUID } from "node:crypto";
import { settings } from "@/lib/config";
import { clientBusy, clientStreams } from "@/lib/registry/limits";
import { runScript, sharedRedis, withRedis, type LuaScript, type RedisLink } from "@/lib/coord/redis";

/** How long a holder keeps its place without renewing: how long an instance that died holding one keeps it. */
const HOLD_MS = 30_000;

// Each holder is a member of the client's sorted set, scored by when its hold ends (Redis's clock, in ms).
const NOW = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

const TAKE: LuaScript = {
  name: "portholeStreamTake",
  keys: 1,
  // KEYS[1] the client's holders; ARGV[1] the holder, ARGV[2] most holders at once, ARGV[3] the hold in ms.
  // Returns 0 when taken, else the ms until the first hold ends (when a place frees even if nobody says so).
  lua: `${NOW}redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 0
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(first[2]) - now)`,
};

const RENEW: LuaScript = {
  name: "portholeStreamRenew",
  keys: 1,
  // KEYS[1] the client's holders; ARGV[1] the holder, ARGV[2] the hold in ms. A hold that ran out is not
  // renewed: its place may have been given to another.
  lua: `${NOW}if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`,
};

const GIVE_BACK: LuaScript = {
  name: "portholeStreamGiveBack",
  keys: 1,
  // KEYS[1] the client's holders; ARGV[1] the holder, ARGV[2] the channel its waiters listen on.
  lua: `redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('PUBLISH', ARGV[2], 'released')`,
};

interface Hold {
  link: RedisLink;
  key: string;
  channel: string;
  id: string;
}

/**
 * One of `client`'s registry downloads (PORTHOLE_MAX_STREAMS_PER_CLIENT), counted across every
 * instance. Past its share a client waits (PORTHOLE_UPSTREAM_WAIT_MS), woken by each release, then
 * gets a 429. Without Redis each instance counts alone (`clientStreams`). The release it returns may
 * be called more than once.
 */
export function acquireClientStream(client: string, link: RedisLink | null = sharedRedis()): Promise<() => void> {
  return withRedis(
    (live) => acquireShared(live, client),
    () => clientStreams(client).acquire(),
    link,
  );
}

async function acquireShared(link: RedisLink, client: string): Promise<() => void> {
  const { maxStreamsPerClient: streams, upstreamWaitMs: waitMs } = settings();
  const hold = { link, key: `porthole:streams:${client}`, channel: `porthole:streams:${client}:released`, id: randomUUID() };
  const deadline = Date.now() + waitMs;
  if ((await take(hold, streams)) === 0) return holding(hold);
  const subscription = await link.subscribe(hold.channel);
  try {
    for (;;) {
      // Taken again once subscribed: a place may have freed before we listened.
      const firstFrees = await take(hold, streams);
      if (firstFrees === 0) return holding(hold);
      const left = deadline - Date.now();
      if (left <= 0) throw clientBusy(client, streams);
      await subscription.next(Math.min(left, firstFrees));
    }
  } finally {
    subscription.close();
  }
}

async function take(hold: Hold, streams: number): Promise<number> {
  return Number(await runScript(hold.link.redis, TAKE, [hold.key], [hold.id, streams, HOLD_MS]));
}

/** Renews the hold until released; the release gives the place back and wakes the client's waiters. */
function holding(hold: Hold): () => void {
  const renew = () =>
    withRedis(
      (live) => runScript(live.redis, RENEW, [hold.key], [hold.id, HOLD_MS]),
      () => null,
      hold.link,
    );
  // A renewal alone must not keep a process alive.
  const renewal = setInterval(() => void renew(), HOLD_MS / 3).unref();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    clearInterval(renewal);
    // Not waited for, and cannot fail: if Redis is down the hold simply runs out.
    void withRedis(
      (live) => runScript(live.redis, GIVE_BACK, [hold.key], [hold.id, hold.channel]),
      () => null,
      hold.link,
    );
  };
}
