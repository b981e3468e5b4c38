import { describe, expect, inject, it } from "vitest";
import { BASIC_REGISTRY, TEST_USER, TOKEN_REGISTRY, TOKEN_SERVER } from "@/tests/world/config";

const fixtures = inject("fixtures");
const basic = `Basic ${Buffer.from(`${TEST_USER.username}:${TEST_USER.password}`).toString("base64")}`;

async function token(repository: string, authorization?: string): Promise<string> {
  const url = `http://${TOKEN_SERVER}/token?service=porthole-test-registry&scope=repository:${repository}:pull`;
  const response = await fetch(url, { headers: authorization ? { authorization } : {} });
  return ((await response.json()) as { token: string }).token;
}

describe("the test world is made of real registries", () => {
  it("serves pushed fixtures from the open registry", async () => {
    const { registry, repository, tag, digest } = fixtures.multi;
    const response = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, {
      headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("docker-content-digest")).toBe(digest);
  });

  it("token registry: demands a Bearer token, grants anonymous pull only on public repos", async () => {
    const bare = await fetch(`http://${TOKEN_REGISTRY}/v2/public/hello/manifests/v1`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get("www-authenticate")).toMatch(/^Bearer realm="http:\/\/127\.0\.0\.1:15003\/token"/);
    const headers = (t: string) => ({ authorization: `Bearer ${t}`, accept: "application/vnd.docker.distribution.manifest.v2+json" });
    expect((await fetch(`http://${TOKEN_REGISTRY}/v2/public/hello/manifests/v1`, { headers: headers(await token("public/hello")) })).status).toBe(
      200,
    );
    expect((await fetch(`http://${TOKEN_REGISTRY}/v2/private/hello/manifests/v1`, { headers: headers(await token("private/hello")) })).status).toBe(
      401,
    );
    expect(
      (await fetch(`http://${TOKEN_REGISTRY}/v2/private/hello/manifests/v1`, { headers: headers(await token("private/hello", basic)) })).status,
    ).toBe(200);
  });

  it("basic registry: 401 without credentials, 200 with them", async () => {
    const url = `http://${BASIC_REGISTRY}/v2/private/hello/manifests/v1`;
    expect((await fetch(url)).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: basic, accept: "application/vnd.docker.distribution.manifest.v2+json" } });
    expect(ok.status).toBe(200);
  });

  it("holds dive's images with all their layers", () => {
    expect(fixtures.diveDocker.images[0]?.layers).toHaveLength(14);
    expect(fixtures.diveKaniko.images[0]?.layers.length).toBeGreaterThan(0);
    expect(fixtures.diveOciZstd.images[0]?.layers[0]?.mediaType).toMatch(/zstd/);
  });
});
