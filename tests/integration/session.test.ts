import { beforeEach, describe, expect, inject, it } from "vitest";
import { GET as imageGET } from "@/app/api/v1/image/route";
import { GET as layerGET } from "@/app/api/v1/layer/route";
import { DELETE, GET as sessionGET, POST } from "@/app/api/v1/session/route";
import { resetAuthCache } from "@/lib/registry/auth";
import { BASIC_REGISTRY, OPEN_REGISTRY, TEST_USER, TOKEN_REGISTRY } from "@/tests/world/config";
import { overrideSettings } from "@/lib/config";

const fixtures = inject("fixtures");

function signIn(registry: string, password = TEST_USER.password, cookie = ""): Promise<Response> {
  return POST(
    new Request("http://porthole.test/api/v1/session", {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ registry, username: TEST_USER.username, password }),
    }),
  );
}

const cookieOf = (response: Response) => (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
const image = (ref: string, cookie = "") =>
  imageGET(new Request(`http://porthole.test/api/v1/image?ref=${encodeURIComponent(ref)}`, { headers: { cookie } }));

beforeEach(() => {
  overrideSettings({ allowPrivateHosts: "all", dockerConfigPath: null }); // only the user's own credentials
  resetAuthCache();
});

describe("signing in to a registry from the browser", () => {
  it("checks the credentials with the registry: wrong ones are a 401 and set no cookie", async () => {
    for (const registry of [TOKEN_REGISTRY, BASIC_REGISTRY]) {
      const response = await signIn(registry, "wrong");
      expect(response.status, registry).toBe(401);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
  });

  it("keeps good ones in a sealed, HttpOnly, SameSite cookie that opens private images for that browser only", async () => {
    const response = await signIn(TOKEN_REGISTRY);
    expect(response.status).toBe(200);
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/;/);
    expect(setCookie).not.toContain(TEST_USER.password);
    const cookie = cookieOf(response);

    expect((await image(fixtures.tokenPrivate.ref)).status).toBe(401);
    const signedIn = await image(fixtures.tokenPrivate.ref, cookie);
    expect(signedIn.status).toBe(200);
    expect((await signedIn.json()).digest).toBe(fixtures.tokenPrivate.digest);
    // Another browser, with no cookie, still gets nothing, even now that the data is cached by digest.
    expect((await image(`${fixtures.tokenPrivate.registry}/${fixtures.tokenPrivate.repository}@${fixtures.tokenPrivate.digest}`)).status).toBe(401);
    const layer = fixtures.tokenPrivate.images[0]!.layers[0]!.digest;
    const layerUrl = `http://porthole.test/api/v1/layer?ref=${encodeURIComponent(fixtures.tokenPrivate.ref)}&digest=${layer}`;
    const privateLayer = await layerGET(new Request(layerUrl, { headers: { cookie } }));
    expect(privateLayer.status).toBe(200);
    expect(privateLayer.headers.get("cache-control")).toBe("private, no-store");
    expect((await layerGET(new Request(layerUrl))).status).toBe(401);
  });

  it("signs in to several registries, lists them, and signs out of one", async () => {
    const first = cookieOf(await signIn(TOKEN_REGISTRY));
    const both = cookieOf(await signIn(BASIC_REGISTRY, TEST_USER.password, first));
    const listed = await (await sessionGET(new Request("http://porthole.test/api/v1/session", { headers: { cookie: both } }))).json();
    expect(listed.registries.sort()).toEqual([BASIC_REGISTRY, TOKEN_REGISTRY].sort());
    expect((await image(fixtures.basicPrivate.ref, both)).status).toBe(200);
    const out = await DELETE(
      new Request(`http://porthole.test/api/v1/session?registry=${BASIC_REGISTRY}`, { method: "DELETE", headers: { cookie: both } }),
    );
    const remaining = cookieOf(out);
    resetAuthCache();
    expect((await image(fixtures.basicPrivate.ref, remaining)).status).toBe(401);
    expect((await image(fixtures.tokenPrivate.ref, remaining)).status).toBe(200);
  });

  it("ignores a forged or tampered cookie", async () => {
    const cookie = cookieOf(await signIn(TOKEN_REGISTRY));
    const tampered = `${cookie.slice(0, -4)}AAAA`;
    expect((await image(fixtures.tokenPrivate.ref, tampered)).status).toBe(401);
  });

  it("refuses a sign-in without a registry host", async () => {
    expect((await signIn("alpine")).status).toBe(400);
    expect((await signIn(OPEN_REGISTRY)).status).toBe(200); // an open registry takes anyone
  });
});
