/**
 * What Porthole's instances share through Redis, against real redis-servers: work done once across
 * instances (and taken over when its maker dies, its failure passed on), one rate-limit budget, one
 * cap on a client's downloads, an outage (SIGKILL) that degrades every call at once and heals
 * when Redis is back, and a stall (SIGSTOP) that times calls out without breaking anything. Each "instance" is a RedisLink of its own, with its own connections.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Availability } from "@/lib/availability";
import { overrideSettings, resetSettings } from "@/lib/config";
import { PortholeError } from "@/lib/core/errors";
import { acquireClientStream } from "@/lib/coord/client-streams";
import { onceAcrossInstances } from "@/lib/coord/lease";
import { sharedRateLimit } from "@/lib/coord/rate-limit";
import { RedisLink, redisState } from "@/lib/coord/redis";
import { until } from "@/tests/support/run";
import { startRedis, type RedisServer } from "@/tests/world/redis";

const LEASE_MS = 600;

interface Instance {
  link: RedisLink;
  /** What its Availability logged. */
  log: string[];
}

function instance(url: string): Instance {
  const log: string[] = [];
  return { link: new RedisLink(url, new Availability("redis", (line) => log.push(line))), log };
}

/** Waits until an asynchronous `condition` holds; throws after `ms`. */
async function eventually(condition: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const fresh = (name: string) => `${name}-${randomUUID()}`;

/** A result kept where every instance can read it (S3, in the app), and how often it was looked for. */
function sharedResult<T>() {
  const result = { value: null as T | null, finds: 0 };
  return { result, find: async () => (result.finds++, result.value) };
}

describe("coordination through one Redis", () => {
  let server: RedisServer;
  let links: RedisLink[];
  /** A plain connection, to look at what the instances left in Redis. */
  let probe: Redis;

  beforeAll(async () => {
    server = await startRedis(16390);
    links = [1, 2, 3].map(() => instance(server.url).link);
    probe = new Redis(server.url);
    await until(() => links.every((link) => redisState(link) === "ok"));
  });

  afterAll(async () => {
    links.forEach((link) => link.close());
    probe.disconnect();
    await server.stop();
  });

  it("makes a result once for 3 instances × 10 callers, and every caller gets it", async () => {
    const { result, find } = sharedResult<string>();
    let makes = 0;
    const make = async () => {
      makes++;
      const started = Date.now();
      // Until the 29 others wait (each looked once before the lease, once subscribed; the maker once
      // more), and for longer than the lease: only its renewals keep the others waiting.
      await until(() => result.finds >= 60 && Date.now() - started > 3 * LEASE_MS, 10_000);
      return (result.value = "the result");
    };
    const key = fresh("once");
    const callers = links.flatMap((link) => Array.from({ length: 10 }, () => onceAcrossInstances(key, { find, make, leaseMs: LEASE_MS }, link)));
    expect(await Promise.all(callers)).toEqual(Array(30).fill("the result"));
    expect(makes).toBe(1);
  });

  it("takes over from a maker that died, once its lease runs out", async () => {
    const { result, find } = sharedResult<string>();
    const dying = instance(server.url).link;
    await until(() => redisState(dying) === "ok");
    let dyingMakes = 0;
    const key = fresh("died");
    // Its make never ends: the instance is killed mid-download.
    void onceAcrossInstances(key, { find, make: () => (dyingMakes++, new Promise<string>(() => {})), leaseMs: LEASE_MS }, dying);
    await until(() => dyingMakes === 1);
    const taking = onceAcrossInstances(key, { find, make: async () => (result.value = "made by the survivor"), leaseMs: LEASE_MS }, links[1]);
    await until(() => result.finds >= 4); // the survivor waits, subscribed
    const died = Date.now();
    dying.close();
    expect(await taking).toBe("made by the survivor");
    expect(Date.now() - died).toBeLessThan(LEASE_MS + 1_000);
  });

  it("gives waiters the maker's failure, the same PortholeError, instead of repeating it", async () => {
    const { result, find } = sharedResult<string>();
    let makes = 0;
    const make = async (): Promise<string> => {
      makes++;
      // Until the 5 others wait: each looked twice, the maker once more.
      await until(() => result.finds >= 12, 10_000);
      throw new PortholeError("UPSTREAM_UNAVAILABLE", "registry.example answered 503 to the blob");
    };
    const key = fresh("fails");
    const callers = [...links, ...links].map((link) =>
      onceAcrossInstances(key, { find, make, leaseMs: LEASE_MS }, link).catch((error: unknown) => error),
    );
    const errors = await Promise.all(callers);
    expect(makes).toBe(1);
    for (const error of errors) {
      expect(error).toBeInstanceOf(PortholeError);
      expect(error).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", message: "registry.example answered 503 to the blob" });
    }
  });

  it("spends one rate-limit budget across instances, refilling by Redis's clock", async () => {
    const client = fresh("client");
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) waits.push(await sharedRateLimit(client, 5, links[i % 3] as RedisLink));
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    // One token comes back every 12 s.
    expect(waits[5]).toBeGreaterThanOrEqual(1);
    expect(waits[5]).toBeLessThanOrEqual(12);
    expect(await sharedRateLimit(fresh("other-client"), 5, links[2])).toBe(0);
    // The bucket is forgotten once it would be full again: 5 tokens at 5 a minute.
    const ttl = await probe.pttl(`porthole:rate:${client}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  describe("a client's downloads", () => {
    beforeAll(() => overrideSettings({ maxStreamsPerClient: 2, upstreamWaitMs: 5_000 }));
    afterAll(() => resetSettings());

    const holders = (client: string) => probe.zcard(`porthole:streams:${client}`);
    const waitersOf = async (client: string) => (await probe.pubsub("CHANNELS", `*${client}*`)).length;

    it("are capped across instances; a waiter gets the first place given back; other clients go ahead", async () => {
      const client = fresh("client");
      const first = await acquireClientStream(client, links[0]);
      const second = await acquireClientStream(client, links[1]);
      let third: (() => void) | null = null;
      const waiting = acquireClientStream(client, links[2]).then((release) => (third = release));
      await eventually(async () => (await waitersOf(client)) === 1);
      expect(third).toBeNull();
      expect(await holders(client)).toBe(2);

      const started = Date.now();
      const another = await acquireClientStream(fresh("another-client"), links[2]);
      expect(Date.now() - started).toBeLessThan(500);

      const released = Date.now();
      first();
      first();
      await waiting;
      expect(Date.now() - released).toBeLessThan(1_000);
      expect(await holders(client)).toBe(2);

      second();
      (third as unknown as () => void)();
      another();
      await eventually(async () => (await holders(client)) === 0);
    });

    it("refuse a waiter past the wait with RATE_LIMITED", async () => {
      overrideSettings({ upstreamWaitMs: 500 });
      const client = fresh("client");
      const held = [await acquireClientStream(client, links[0]), await acquireClientStream(client, links[1])];
      const started = Date.now();
      const refused = await acquireClientStream(client, links[2]).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(PortholeError);
      expect(refused).toMatchObject({ code: "RATE_LIMITED", status: 429, retryAfter: 5 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      expect(Date.now() - started).toBeLessThan(2_000);
      held.forEach((release) => release());
    });
  });
});

describe("when Redis dies", () => {
  const PORT = 16391;
  let server: RedisServer;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    server = await startRedis(PORT);
    [a, b] = [instance(server.url), instance(server.url)];
    await until(() => redisState(a.link) === "ok" && redisState(b.link) === "ok");
  });

  afterAll(async () => {
    a.link.close();
    b.link.close();
    await server.stop();
  });

  it("every call falls back at once, redisState says down, and all is shared again when Redis is back", async () => {
    // a holds a lease of the default length and b waits for it: only the outage can end b's wait soon.
    const { result, find } = sharedResult<string>();
    let finishA: (value: string) => void = () => undefined;
    const key = fresh("outage");
    const aDone = onceAcrossInstances(key, { find, make: () => new Promise<string>((resolve) => (finishA = resolve)) }, a.link);
    await until(() => result.finds === 2);
    const bDone = onceAcrossInstances(key, { find, make: async () => "made by b alone" }, b.link);
    await until(() => result.finds === 4);

    const killed = Date.now();
    await server.kill();
    expect(await bDone).toBe("made by b alone");
    const client = fresh("client");
    expect(await sharedRateLimit(client, 5, a.link)).toBe(0);
    const release = await acquireClientStream(client, a.link);
    release();
    expect(await onceAcrossInstances(fresh("alone"), { find: async () => null, make: async () => "made alone" }, a.link)).toBe("made alone");
    expect(Date.now() - killed).toBeLessThan(3_000);
    expect(redisState(a.link)).toBe("down");
    expect(redisState(b.link)).toBe("down");
    finishA("made by a");
    expect(await aDone).toBe("made by a");

    server = await startRedis(PORT);
    await until(() => redisState(a.link) === "ok" && redisState(b.link) === "ok", 10_000);
    const again = fresh("client");
    expect(await sharedRateLimit(again, 1, a.link)).toBe(0);
    expect(await sharedRateLimit(again, 1, b.link)).toBeGreaterThanOrEqual(1);
    // Each change logged once, however many calls saw it.
    for (const { log } of [a, b]) expect(log.map((line) => JSON.parse(line).redis)).toEqual(["down", "ok"]);
  });
});

describe("when Redis stalls", () => {
  const PORT = 16392;
  let server: RedisServer;
  let a: Instance;

  beforeAll(async () => {
    server = await startRedis(PORT);
    a = instance(server.url);
    await until(() => redisState(a.link) === "ok");
  });

  afterAll(async () => {
    a.link.close();
    await server.stop();
  });

  it("a burst of calls each times out and falls back, and nothing is thrown outside them", async () => {
    server.pause();
    const started = Date.now();
    // Calls made in the same tick: what a burst of requests does.
    const waits = await Promise.all(Array.from({ length: 50 }, (_, i) => sharedRateLimit(fresh(`stalled-${i}`), 5, a.link)));
    expect(waits).toEqual(Array(50).fill(0));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(redisState(a.link)).toBe("down");
    server.resume();
    await until(() => redisState(a.link) === "ok", 15_000);
    expect(await sharedRateLimit(fresh("after"), 5, a.link)).toBe(0);
  });
});
