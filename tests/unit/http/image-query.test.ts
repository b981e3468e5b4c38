import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { overrideSettings, resetSettings } from "@/lib/config";
import { imageCacheControl, imageQuery } from "@/lib/http/image-query";
import { Query } from "@/lib/http/respond";
import { SESSION_COOKIE, sealSession } from "@/lib/session/session";

let dockerConfig = "";
const server = { username: "server", password: "pw" };
const user = { username: "user", password: "pw2" };

beforeAll(() => {
  dockerConfig = join(mkdtempSync(join(tmpdir(), "porthole-query-")), "config.json");
  writeFileSync(dockerConfig, JSON.stringify({ auths: { "ghcr.io": { auth: Buffer.from("server:pw").toString("base64") } } }));
});
afterEach(() => resetSettings());

function parse(search: string, cookie?: string) {
  const request = new Request(`http://porthole.test/api/v1/image?${search}`, cookie ? { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } } : {});
  return imageQuery(request, new Query(request));
}

describe("imageQuery: the edge of every image endpoint", () => {
  it("parses the reference and platform once, normalised", async () => {
    const query = await parse("ref=alpine:3.19&platform=linux/arm64/v8");
    expect(query.ref).toEqual({ registry: "docker.io", repository: "library/alpine", tag: "3.19", digest: null });
    expect(query.platform).toEqual({ os: "linux", architecture: "arm64", variant: "v8" });
  });

  it("answers 400 naming the fault for a bad reference or platform", async () => {
    await expect(parse("ref=Alpine/UPPER")).rejects.toMatchObject({ status: 400, message: /lowercase/ });
    await expect(parse("ref=alpine&platform=linux")).rejects.toMatchObject({ status: 400, message: /invalid platform/ });
    await expect(parse("platform=linux/amd64")).rejects.toMatchObject({ status: 400, message: /ref parameter is required/ });
  });

  it("uses the signed-in user's credentials for their registry, else the server's, else none", async () => {
    overrideSettings({ dockerConfigPath: dockerConfig });
    const signedIn = sealSession({ "ghcr.io": user });
    expect((await parse("ref=ghcr.io/org/app", signedIn)).auth.credentials).toEqual(user);
    expect((await parse("ref=ghcr.io/org/app")).auth.credentials).toEqual(server);
    expect((await parse("ref=quay.io/org/app", signedIn)).auth.credentials).toBeNull();
  });

  it("lets anyone keep what no credentials fetched (a digest's for good, a tag's for a minute), and no one what credentials fetched", async () => {
    overrideSettings({ dockerConfigPath: dockerConfig });
    const pinned = `@sha256:${"ef".repeat(32)}`;
    expect(imageCacheControl(await parse(`ref=quay.io/org/app${pinned}`))).toBe("public, max-age=31536000, immutable");
    expect(imageCacheControl(await parse(`ref=ghcr.io/org/app${pinned}`))).toBe("private, no-store");
    expect(imageCacheControl(await parse("ref=quay.io/org/app:v1"))).toBe("public, max-age=60");
    expect(imageCacheControl(await parse("ref=ghcr.io/org/app:v1"))).toBe("private, no-store");
    expect(imageCacheControl(await parse("ref=quay.io/org/app:v1"), true)).toBe("public, max-age=31536000, immutable");
  });
});
