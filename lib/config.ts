import "server-only";

/**
 * Porthole's settings: read from the environment once, validated, typed. Nothing else reads
 * `process.env`. A bad value stops start-up (instrumentation.ts) with a message naming the variable,
 * instead of quietly falling back to a default the operator did not ask for.
 */
export interface Settings {
  /** Where the server listens. */
  host: string;
  port: number;
  /** A Docker-style config.json with server-wide registry credentials. */
  dockerConfigPath: string | null;
  /** Registries on private addresses the server may connect to: every one, or these `host:port`s. */
  allowPrivateHosts: "all" | readonly string[];
  /** `host:port`s spoken to over plain HTTP (loopback always is). */
  insecureRegistries: readonly string[];
  cacheDir: string;
  cacheMaxBytes: number;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  /** A whole upstream request, body included: a trickling registry cannot hold a slot forever. */
  totalTimeoutMs: number;
  /** A body slower than this over the window (time we waited for the registry, not it for us) is aborted. */
  minBytesPerSecond: number;
  minRateWindowMs: number;
  maxUpstreamStreams: number;
  upstreamWaitMs: number;
  maxListingBytes: number;
  /** The explorer fetches an image's whole tree up to this many paths; past it, a directory at a time. */
  wholeTreeMaxEntries: number;
  /** gzip layers at least this big (compressed) are indexed for random access as they are first read. */
  seekIndexMinBytes: number;
  /** API requests one client may make a minute (a token bucket: bursts up to that many). */
  rateLimitPerMinute: number;
  /** Registry downloads one client's requests may hold open at once. */
  maxStreamsPerClient: number;
  /** Proxies in front of the server whose X-Forwarded-For entries are trusted (0: the socket's address is the client). */
  trustedProxies: number;
  /** On SIGTERM, how long requests under way may take to finish before they are ended. */
  shutdownGraceMs: number;
  quietLog: boolean;
  sessionSecret: string | null;
  /** An S3-compatible bucket for everything content-addressed, shared by every instance (null: the local disk only). */
  s3Bucket: string | null;
  /** Where in the bucket Porthole's objects go. */
  s3Prefix: string;
  /** An S3-compatible server other than AWS (MinIO, Ceph, R2, …). */
  s3Endpoint: string | null;
  /** Path-style addressing (`endpoint/bucket/key`), as MinIO and Ceph want. */
  s3ForcePathStyle: boolean;
  /** Redis for what the instances share: single flight, rate limits, download caps (null: each instance alone). */
  redisUrl: string | null;
  /** `next dev`: the page CSP must allow eval for React's dev tooling. */
  development: boolean;
}

interface Variable<K extends keyof Settings> {
  key: K;
  env: string;
  /** The default as the README's configuration table states it. */
  shown: string;
  fallback: () => Settings[K];
  /** The value, or null when `text` is not a valid one. */
  parse: (text: string) => Settings[K] | null;
  expects: string;
}

const wholeNumber = (text: string) => (/^\d+$/.test(text) && Number(text) > 0 ? Number(text) : null);
const zeroOrMore = (text: string) => (/^\d+$/.test(text) ? Number(text) : null);
const list = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
const flag = (text: string) => (text === "1" || text === "true" ? true : text === "0" || text === "false" ? false : null);

function variable<K extends keyof Settings>(spec: Variable<K>): Variable<K> {
  return spec;
}

/** The one table of settings: variable, default, parser. The README's configuration table matches it (a test checks). */
export const VARIABLES = [
  variable({ key: "host", env: "HOST", shown: "127.0.0.1", fallback: () => "127.0.0.1", parse: (t) => t, expects: "a host name or address" }),
  variable({
    key: "port",
    env: "PORT",
    shown: "3000",
    fallback: () => 3000,
    parse: (t) => (/^\d+$/.test(t) && Number(t) < 65536 ? Number(t) : null),
    expects: "a TCP port (0 to 65535)",
  }),
  variable({ key: "dockerConfigPath", env: "PORTHOLE_DOCKER_CONFIG", shown: "none", fallback: () => null, parse: (t) => t, expects: "a file path" }),
  variable({
    key: "allowPrivateHosts",
    env: "PORTHOLE_ALLOW_PRIVATE_HOSTS",
    shown: "refused (403)",
    fallback: () => [],
    parse: (t) => (list(t).includes("1") ? "all" : list(t)),
    expects: "1, or a comma list of host:port",
  }),
  variable({
    key: "insecureRegistries",
    env: "PORTHOLE_INSECURE_REGISTRIES",
    shown: "none",
    fallback: () => [],
    parse: list,
    expects: "a comma list of host:port",
  }),
  variable({
    key: "cacheDir",
    env: "PORTHOLE_CACHE_DIR",
    shown: "`.data/cache`",
    fallback: () => ".data/cache", // relative to the working directory, as every path a process opens
    parse: (t) => t,
    expects: "a folder",
  }),
  variable({
    key: "cacheMaxBytes",
    env: "PORTHOLE_CACHE_MAX_BYTES",
    shown: "2147483648 (2 GiB)",
    fallback: () => 2 * 1024 ** 3,
    parse: wholeNumber,
    expects: "a whole number of bytes",
  }),
  variable({
    key: "connectTimeoutMs",
    env: "PORTHOLE_CONNECT_TIMEOUT_MS",
    shown: "10000",
    fallback: () => 10_000,
    parse: wholeNumber,
    expects: "milliseconds",
  }),
  variable({
    key: "idleTimeoutMs",
    env: "PORTHOLE_IDLE_TIMEOUT_MS",
    shown: "30000",
    fallback: () => 30_000,
    parse: wholeNumber,
    expects: "milliseconds",
  }),
  variable({
    key: "totalTimeoutMs",
    env: "PORTHOLE_TOTAL_TIMEOUT_MS",
    shown: "1800000",
    fallback: () => 30 * 60_000,
    parse: wholeNumber,
    expects: "milliseconds",
  }),
  variable({
    key: "minBytesPerSecond",
    env: "PORTHOLE_MIN_BYTES_PER_S",
    shown: "16384",
    fallback: () => 16 * 1024,
    parse: wholeNumber,
    expects: "a whole number of bytes per second",
  }),
  variable({
    key: "minRateWindowMs",
    env: "PORTHOLE_MIN_RATE_WINDOW_MS",
    shown: "60000",
    fallback: () => 60_000,
    parse: wholeNumber,
    expects: "milliseconds",
  }),
  variable({
    key: "maxUpstreamStreams",
    env: "PORTHOLE_MAX_UPSTREAM_STREAMS",
    shown: "32",
    fallback: () => 32,
    parse: wholeNumber,
    expects: "a whole number of downloads",
  }),
  variable({
    key: "upstreamWaitMs",
    env: "PORTHOLE_UPSTREAM_WAIT_MS",
    shown: "30000",
    fallback: () => 30_000,
    parse: wholeNumber,
    expects: "milliseconds",
  }),
  variable({
    key: "maxListingBytes",
    env: "PORTHOLE_MAX_LISTING_BYTES",
    shown: "134217728",
    fallback: () => 128 * 1024 ** 2,
    parse: wholeNumber,
    expects: "a whole number of bytes",
  }),
  variable({
    key: "wholeTreeMaxEntries",
    env: "PORTHOLE_WHOLE_TREE_MAX_ENTRIES",
    shown: "50000",
    fallback: () => 50_000,
    parse: zeroOrMore,
    expects: "a whole number of paths (0: always a directory at a time)",
  }),
  variable({
    key: "seekIndexMinBytes",
    env: "PORTHOLE_SEEK_INDEX_MIN_BYTES",
    shown: "8388608",
    fallback: () => 8 * 1024 ** 2,
    parse: zeroOrMore,
    expects: "a whole number of bytes (0: every gzip layer)",
  }),
  variable({
    key: "rateLimitPerMinute",
    env: "PORTHOLE_RATE_LIMIT_PER_MIN",
    shown: "600",
    fallback: () => 600,
    parse: wholeNumber,
    expects: "requests a minute",
  }),
  variable({
    key: "maxStreamsPerClient",
    env: "PORTHOLE_MAX_STREAMS_PER_CLIENT",
    shown: "8",
    fallback: () => 8,
    parse: wholeNumber,
    expects: "a whole number of downloads",
  }),
  variable({
    key: "trustedProxies",
    env: "PORTHOLE_TRUST_PROXY",
    shown: "0",
    fallback: () => 0,
    parse: (t) => (/^\d+$/.test(t) ? Number(t) : null),
    expects: "the number of proxies in front (0, 1, …)",
  }),
  variable({
    key: "shutdownGraceMs",
    env: "PORTHOLE_SHUTDOWN_GRACE_MS",
    shown: "10000",
    fallback: () => 10_000,
    parse: wholeNumber,
    expects: "milliseconds",
  }),
  variable({ key: "quietLog", env: "PORTHOLE_QUIET_LOG", shown: "off", fallback: () => false, parse: flag, expects: "1 or 0" }),
  variable({ key: "sessionSecret", env: "PORTHOLE_SESSION_SECRET", shown: "random", fallback: () => null, parse: (t) => t, expects: "any string" }),
  variable({
    key: "s3Bucket",
    env: "PORTHOLE_S3_BUCKET",
    shown: "none: the local disk only",
    fallback: () => null,
    parse: (t) => t,
    expects: "a bucket name",
  }),
  variable({
    key: "s3Prefix",
    env: "PORTHOLE_S3_PREFIX",
    shown: "`porthole/`",
    fallback: () => "porthole/",
    parse: (t) => (t.endsWith("/") ? t : `${t}/`),
    expects: "a key prefix",
  }),
  variable({
    key: "s3Endpoint",
    env: "PORTHOLE_S3_ENDPOINT",
    shown: "AWS",
    fallback: () => null,
    parse: (t) => (/^https?:\/\/[^/]+/.test(t) ? t : null),
    expects: "an http(s) URL",
  }),
  variable({ key: "s3ForcePathStyle", env: "PORTHOLE_S3_FORCE_PATH_STYLE", shown: "off", fallback: () => false, parse: flag, expects: "1 or 0" }),
  variable({
    key: "redisUrl",
    env: "PORTHOLE_REDIS_URL",
    shown: "none: each instance alone",
    fallback: () => null,
    parse: (t) => (/^rediss?:\/\//.test(t) ? t : null),
    expects: "a redis:// or rediss:// URL",
  }),
] as const;

export class SettingsError extends Error {
  override name = "SettingsError";
}

/** Settings from an environment; an empty variable counts as unset. Throws SettingsError naming the first bad variable. */
export function readSettings(env: Record<string, string | undefined>): Settings {
  const result: Partial<Record<keyof Settings, unknown>> = { development: env.NODE_ENV === "development" };
  for (const spec of VARIABLES as readonly Variable<keyof Settings>[]) {
    const text = env[spec.env]?.trim();
    if (!text) {
      result[spec.key] = spec.fallback();
      continue;
    }
    const value = spec.parse(text);
    if (value === null) throw new SettingsError(`${spec.env}=${JSON.stringify(text)} is not valid: expected ${spec.expects}`);
    result[spec.key] = value;
  }
  return result as Settings;
}

let current: Settings | null = null;

/** The process's settings, read from the environment on first use. */
export function settings(): Settings {
  current ??= readSettings(process.env);
  return current;
}

/** For tests, and the command line (its own defaults): change some settings for this process until `resetSettings()`. */
export function overrideSettings(changes: Partial<Settings>): void {
  current = { ...settings(), ...changes };
}

/** For tests: read the environment again on next use. */
export function resetSettings(): void {
  current = null;
}
