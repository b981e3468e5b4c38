import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { settings } from "@/lib/config";
import type { Credentials } from "@/lib/registry/credentials";

/**
 * Registry credentials a user signed in with from the browser. They live only in that browser's
 * session cookie, sealed (AES-256-GCM) so the cookie is opaque and tamper-proof; the server keeps
 * nothing and logs nothing. Each request brings them along, and they go only to the registry they
 * were given for (and its token realm).
 */
export const SESSION_COOKIE = "porthole_session";
export type Session = Record<string, Credentials>;

let processKey: Buffer | null = null;

/** PORTHOLE_SESSION_SECRET (any string) keeps sessions across restarts and instances; else a per-process key. */
function key(): Buffer {
  const secret = settings().sessionSecret;
  if (secret) return createHash("sha256").update(secret).digest();
  processKey ??= randomBytes(32);
  return processKey;
}

export function sealSession(session: Session): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(session), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

export function openSession(sealed: string | null | undefined): Session {
  if (!sealed) return {};
  try {
    const bytes = Buffer.from(sealed, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", key(), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const parsed = JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8"));
    return parsed && typeof parsed === "object" ? (parsed as Session) : {};
  } catch {
    return {}; // forged, from an old key, or garbled: no credentials
  }
}

export function sessionOf(request: Request): Session {
  const cookies = request.headers.get("cookie") ?? "";
  const match = cookies.split(/;\s*/).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return openSession(match?.slice(SESSION_COOKIE.length + 1));
}

export function sessionCookie(session: Session, request: Request): string {
  const secure = new URL(request.url).protocol === "https:" ? "; Secure" : "";
  const value = Object.keys(session).length ? sealSession(session) : "";
  const expiry = value ? "" : "; Max-Age=0";
  return `${SESSION_COOKIE}=${value}; Path=/api; HttpOnly; SameSite=Strict${secure}${expiry}`;
}
