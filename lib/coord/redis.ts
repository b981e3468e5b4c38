import "server-only";
import { Redis } from "ioredis";
import { Availability } from "@/lib/availability";
import { settings } from "@/lib/config";
import { PortholeError } from "@/lib/core/errors";
import { processWide } from "@/lib/process-wide";

type RedisState = "ok" | "down" | "off";

/**
 * Options that make Redis fail fast instead of making a request wait: nothing is queued while the
 * connection is down, a command in flight when it drops fails at once (and is not resent later,
 * after we have gone on without it), and a silent server costs at most the command timeout.
 * ioredis keeps reconnecting in the background, forever; its `ready` brings coordination back.
 */
const FAIL_FAST = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  connectTimeout: 1_500,
  commandTimeout: 1_000,
  retryStrategy: (attempt: number) => Math.min(attempt * 250, 2_000),
  // No auto-pipelining: a batch that times out makes ioredis throw outside any promise ("results[i] is
  // not iterable", ioredis#1931), which would take the whole instance down when Redis is slow. Commands
  // still share the one connection without waiting for each other's replies.
  enableAutoPipelining: false,
};

/** A Lua script run by EVALSHA: ioredis sends the whole script only when the server does not know it yet (NOSCRIPT). */
export interface LuaScript {
  name: string;
  keys: number;
  lua: string;
}

type ScriptCommand = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

export function runScript(redis: Redis, script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown> {
  if (!(script.name in redis)) redis.defineCommand(script.name, { numberOfKeys: script.keys, lua: script.lua });
  const command = (redis as unknown as Record<string, ScriptCommand>)[script.name] as ScriptCommand;
  return command.call(redis, ...keys, ...args);
}

/**
 * Messages on one channel, for one waiter. Only the latest unread one is kept: every message this
 * code sends means "look again", and the latest is the one that counts. When either connection
 * drops, the wait fails: a message may be lost while it is down, so Redis cannot be trusted for it.
 */
export class Subscription {
  private unread: string | null = null;
  private lostWith: Error | null = null;
  private waiter: { resolve: (message: string | null) => void; reject: (error: Error) => void } | null = null;

  constructor(private readonly unsubscribe: (subscription: Subscription) => void) {}

  /** The next message, or null once `ms` pass without one. */
  next(ms: number): Promise<string | null> {
    if (this.lostWith) return Promise.reject(this.lostWith);
    const message = this.unread;
    this.unread = null;
    if (message !== null) return Promise.resolve(message);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(null), ms);
      this.waiter = {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
    });
  }

  close(): void {
    this.unsubscribe(this);
  }

  deliver(message: string): void {
    if (this.waiter) this.settle(message);
    else this.unread = message;
  }

  lose(error: Error): void {
    this.lostWith = error;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(error);
  }

  private settle(message: string | null): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve(message);
  }
}

interface Channel {
  members: Set<Subscription>;
  subscribed: Promise<unknown>;
}

/**
 * One instance's tie to Redis: a connection for commands and, made when first needed, one for
 * SUBSCRIBE (a connection in subscriber mode can send nothing else). The app has one a process
 * (`sharedRedis`); tests make several to play several instances in one process.
 */
export class RedisLink {
  readonly redis: Redis;
  private listener: { redis: Redis; firstReady: Promise<void> } | null = null;
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly url: string,
    private readonly availability = new Availability("redis"),
  ) {
    this.redis = this.connect(url);
  }

  /**
   * "ok" when commands can be sent and nothing has failed since the connections were last ready. A
   * subscription connection still making its first connection does not count: the first wait
   * waits for it, while everything else goes on.
   */
  state(): "ok" | "down" {
    return this.redis.status === "ready" && this.availability.state === "ok" ? "ok" : "down";
  }

  /**
   * A command failed or timed out: go on without Redis until a connection is ready again. A
   * connection that still looks ready may be to a server that stopped answering; dropping it
   * makes ioredis reconnect, and its `ready` is what brings coordination back.
   */
  failed(error: unknown): void {
    this.availability.down(error);
    if (this.redis.status === "ready") this.redis.disconnect(true);
  }

  /** Resolves once subscribed to `channel`, so nothing published after it is missed. */
  async subscribe(channel: string): Promise<Subscription> {
    const listener = await this.listening();
    const subscription = new Subscription((done) => this.unsubscribe(channel, done));
    let entry = this.channels.get(channel);
    if (!entry) {
      entry = { members: new Set(), subscribed: listener.subscribe(channel) };
      this.channels.set(channel, entry);
    }
    entry.members.add(subscription);
    try {
      await entry.subscribed;
    } catch (error) {
      subscription.close();
      throw error;
    }
    return subscription;
  }

  /** Resolves once the command connection is ready, or after `ms` whatever it is (start-up waits this long for Redis, no longer). */
  async whenReady(ms: number): Promise<void> {
    if (this.redis.status !== "ready") await readyWithin(this.redis, ms).catch(() => undefined);
  }

  /** Drops both connections for good (shutdown, or a test's instance dying). */
  close(): void {
    this.redis.disconnect();
    this.listener?.redis.disconnect();
  }

  private connectionsReady(): boolean {
    return this.redis.status === "ready" && (this.listener === null || this.listener.redis.status === "ready");
  }

  private connect(url: string): Redis {
    // Subscriptions are not restored on reconnect: their waits failed when the connection dropped.
    const redis = new Redis(url, { ...FAIL_FAST, autoResubscribe: false });
    redis.on("error", (error: Error) => this.availability.down(error));
    redis.on("close", () => this.lost(new Error("redis connection closed")));
    redis.on("ready", () => {
      if (this.connectionsReady()) this.availability.up();
    });
    return redis;
  }

  private lost(error: Error): void {
    this.availability.down(error);
    for (const entry of this.channels.values()) for (const subscription of entry.members) subscription.lose(error);
    this.channels.clear();
  }

  /** The subscription connection, made on first use; every wait for its first `ready` shares one timer. */
  private async listening(): Promise<Redis> {
    if (!this.listener) {
      const redis = this.connect(this.url);
      redis.on("message", (channel: string, message: string) => this.deliver(channel, message));
      this.listener = { redis, firstReady: readyWithin(redis, FAIL_FAST.connectTimeout) };
    }
    if (this.listener.redis.status !== "ready") await this.listener.firstReady;
    return this.listener.redis;
  }

  private deliver(channel: string, message: string): void {
    for (const subscription of this.channels.get(channel)?.members ?? []) subscription.deliver(message);
  }

  private unsubscribe(channel: string, subscription: Subscription): void {
    const entry = this.channels.get(channel);
    if (!entry?.members.delete(subscription) || entry.members.size > 0) return;
    this.channels.delete(channel);
    // A failure here means the connection is gone, and its subscriptions with it.
    this.listener?.redis.unsubscribe(channel).catch(() => undefined);
  }
}

function readyWithin(redis: Redis, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off("ready", ready);
      reject(new Error(`redis subscription connection not ready within ${ms} ms`));
    }, ms);
    const ready = () => (clearTimeout(timer), resolve());
    redis.once("ready", ready);
  });
}

/** This process's link, made from PORTHOLE_REDIS_URL on first use; null when it is unset. */
export function sharedRedis(): RedisLink | null {
  return processWide("redis", () => {
    const url = settings().redisUrl;
    return url ? new RedisLink(url) : null;
  });
}

export function redisState(link: RedisLink | null = sharedRedis()): RedisState {
  return link?.state() ?? "off";
}

/**
 * `attempt` with Redis when it is up, else `fallback`: what this instance can do alone. `attempt`
 * should only talk to Redis, since anything it throws counts as Redis failing (then `fallback` runs),
 * except a PortholeError, which is an answer (a wait that ran out, another instance's failure).
 */
export async function withRedis<T>(
  attempt: (link: RedisLink) => Promise<T>,
  fallback: () => T | Promise<T>,
  link: RedisLink | null = sharedRedis(),
): Promise<T> {
  if (!link || link.state() !== "ok") return fallback();
  try {
    return await attempt(link);
  } catch (error) {
    if (error instanceof PortholeError) throw error;
    link.failed(error);
    return fallback();
  }
}
