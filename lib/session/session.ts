import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { settings } from "@/lib/config";
import type { Credentials } from "@/lib/registry/credentials";
import { sharedRedis, withRedis, type RedisLink } from "@/lib/coord/redis";
import { processWide } from "@/lib/process-wide";

/**
 * Registry credentials a user signed in with from the browser. They live only in that browser's
 * session cookie, sealed (AES-256-GCM) so the cookie is opaque and tamper-proof; the server keeps
 * nothing and logs nothing. Each request brings them along, and they go only to the registry they
 * were given for (and its token realm).
 */
export const SESSION_COOKIE = "porthole_session";
export type Session = Record<string, Credentials>;

/** Where the instances keep their shared session key in Redis. */
const SHARED_KEY = "porthole:session-key";

interface Keys {
  /** This process's own random key. */
  own: Buffer;
  /** The one every instance uses, from Redis, once known. */
  shared: Buffer | null;
}

const keys = () => processWide<Keys>("session-keys", () => ({ own: randomBytes(32), shared: null }));

/**
 * The key that seals: PORTHOLE_SESSION_SECRET's (sessions survive restarts), else the key the
 * instances share through Redis (a cookie sealed by one opens on all), else this process's own.
 */
function sealingKey(): Buffer {
  const secret = settings().sessionSecret;
  if (secret) return createHash("sha256").update(secret).digest();
  const { own, shared } = keys();
  return shared ?? own;
}

/** Keys that may have sealed a cookie: the sealing key, and this process's own (used while Redis was away). */
function openingKeys(): Buffer[] {
  const sealing = sealingKey();
  const { own } = keys();
  return sealing === own ? [own] : [sealing, own];
}

/** Without PORTHOLE_SESSION_SECRET, with Redis: one random key for every instance, made by the first to ask. */
export async function shareSessionKey(link: RedisLink | null = sharedRedis()): Promise<void> {
  if (settings().sessionSecret || keys().shared) return;
  const hex = await withRedis(
    async (live) => {
      await live.redis.set(SHARED_KEY, randomBytes(32).toString("hex"), "NX");
      return live.redis.get(SHARED_KEY);
    },
    () => null,
    link,
  );
  if (hex && /^[0-9a-f]{64}$/.test(hex)) keys().shared = Buffer.from(hex, "hex");
}

export function sealSession(session: Session): string {
  // Redis was away so far: ask it again, for the next cookie (this one is sealed with the key at hand).
  if (!keys().shared) void shareSessionKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealingKey(), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(session), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

export function openSession(sealed: string | null | undefined): Session {
  if (!sealed) return {};
  const bytes = Buffer.from(sealed, "base64url");
  for (const key of openingKeys()) {
    const session = openWith(key, bytes);
    if (session) return session;
  }
  return {}; // forged, from an old key, or garbled: no credentials
}

function openWith(key: Buffer, bytes: Buffer): Session | null {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const parsed = JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8"));
    return parsed && typeof parsed === "object" ? (parsed as Session) : {};
  } catch {
    return null;
  }
}

export function sessionOf(request: Pick<Request, "headers">): Session {
  const cookies = request.headers.get("cookie") ?? "";
  const match = cookies.split(/;\s*/).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return openSession(match?.slice(SESSION_COOKIE.length + 1));
}

export function sessionCookie(session: Session, request: Request): string {
  const secure = new URL(request.url).protocol === "https:" ? "; Secure" : "";
  const value = Object.keys(session).length ? sealSession(session) : "";
  const expiry = value ? "" : "; Max-Age=0";
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict${secure}${expiry}`;
}
