import { afterEach, describe, expect, it } from "vitest";
import { overrideSettings, resetSettings } from "@/lib/config";
import { openSession, SESSION_COOKIE, sealSession, sessionCookie, sessionOf } from "@/lib/session/session";
import { signIn, signOut } from "@/lib/session/sign-in";

const alice = { username: "alice", password: "s3cret" };
const withCookie = (value: string, url = "http://porthole.test/api/v1/session") =>
  new Request(url, { headers: { cookie: `other=1; ${SESSION_COOKIE}=${value}` } });

afterEach(() => resetSettings());

describe("sealed session cookies", () => {
  it("open to what was sealed, and the sealed text does not show the password", () => {
    const sealed = sealSession({ "ghcr.io": alice });
    expect(sealed).not.toContain("s3cret");
    expect(Buffer.from(sealed, "base64url").toString("latin1")).not.toContain("s3cret");
    expect(openSession(sealed)).toEqual({ "ghcr.io": alice });
    expect(sessionOf(withCookie(sealed))).toEqual({ "ghcr.io": alice });
  });

  it("give no credentials when tampered with, garbled, or sealed with another key", () => {
    overrideSettings({ sessionSecret: "one" });
    const sealed = sealSession({ "ghcr.io": alice });
    const bytes = Buffer.from(sealed, "base64url");
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
    expect(openSession(bytes.toString("base64url"))).toEqual({});
    expect(openSession("not-a-session")).toEqual({});
    expect(openSession("")).toEqual({});
    overrideSettings({ sessionSecret: "two" });
    expect(openSession(sealed)).toEqual({});
  });

  it("survive a restart when PORTHOLE_SESSION_SECRET is set", () => {
    overrideSettings({ sessionSecret: "shared" });
    const sealed = sealSession({ "ghcr.io": alice });
    resetSettings();
    overrideSettings({ sessionSecret: "shared" });
    expect(openSession(sealed)).toEqual({ "ghcr.io": alice });
  });

  it("are HttpOnly, SameSite=Strict, scoped to /api, Secure over HTTPS, and expire when empty", () => {
    const cookie = sessionCookie({ "ghcr.io": alice }, new Request("https://porthole.test/api/v1/session"));
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[\\w-]+; Path=/; HttpOnly; SameSite=Strict; Secure$`));
    expect(sessionCookie({}, new Request("http://porthole.test/"))).toBe(`${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
  });
});

describe("signing in and out", () => {
  const post = (body: unknown) => new Request("http://porthole.test/api/v1/session", { method: "POST", body: JSON.stringify(body) });

  it("refuses a malformed body or registry before asking any registry", async () => {
    await expect(signIn(post({ registry: "ghcr.io", username: "a" }))).rejects.toMatchObject({ code: "BAD_REQUEST", message: /send JSON/ });
    await expect(signIn(new Request("http://porthole.test/", { method: "POST", body: "{" }))).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(signIn(post({ registry: "not a host", username: "a", password: "b" }))).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: /registry must be a host/,
    });
  });

  it("signs out of one registry, or of all", () => {
    const sealed = sealSession({ "ghcr.io": alice, "quay.io": alice });
    expect(Object.keys(signOut(withCookie(sealed), "ghcr.io"))).toEqual(["quay.io"]);
    expect(signOut(withCookie(sealed), null)).toEqual({});
  });
});
