import "server-only";
import { RateLimiter } from "@/lib/http/rate-limit";
import { processWide } from "@/lib/process-wide";
import { runScript, sharedRedis, withRedis, type LuaScript, type RedisLink } from "@/lib/coord/redis";

/**
 * RateLimiter's token bucket, taken atomically in Redis so every instance spends one budget. Time
 * is Redis's own (TIME), so the instances' clocks need not agree. The bucket expires once it would
 * be full again: then it is no different from no bucket, and idle clients cost Redis nothing.
 */
const TAKE: LuaScript = {
  name: "portholeRateTake",
  keys: 1,
  // KEYS[1] the client's bucket (tokens, updated in ms); ARGV[1] tokens a minute. Returns the seconds to wait, or 0.
  lua: `local capacity = tonumber(ARGV[1])
local perMs = capacity / 60000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(bucket[1]) or capacity
local updated = tonumber(bucket[2]) or now
-- max(0, …): after a failover the new server's clock may be behind the old one's
tokens = math.min(capacity, tokens + math.max(0, now - updated) * perMs)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) / perMs / 1000))
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'updated', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / perMs))
return wait`,
};

/** Per-process buckets for while Redis is off or down, one limiter per budget (in practice one: the setting). */
function localLimiter(perMinute: number): RateLimiter {
  const limiters = processWide("rate-limiters", () => new Map<number, RateLimiter>());
  let limiter = limiters.get(perMinute);
  if (!limiter) {
    limiter = new RateLimiter(() => perMinute);
    limiters.set(perMinute, limiter);
  }
  return limiter;
}

/** Takes one of `client`'s `perMinute` requests: 0 to go ahead, or the whole seconds to wait (at least 1). */
export function sharedRateLimit(client: string, perMinute: number, link: RedisLink | null = sharedRedis()): Promise<number> {
  return withRedis(
    async (live) => Number(await runScript(live.redis, TAKE, [`porthole:rate:${client}`], [perMinute])),
    () => localLimiter(perMinute).take(client),
    link,
  );
}
