import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { GET } from "@/app/api/v1/image/route";
import type { ImageInfo } from "@/lib/core/api-types";
import type { ErrorBody } from "@/lib/core/errors";
import { resetAuthCache } from "@/lib/registry/auth";
import { OPEN_REGISTRY, TOKEN_SERVER } from "@/tests/world/config";
import { overrideSettings, resetSettings } from "@/lib/config";

const fixtures = inject("fixtures");
const dockerConfigPath = inject("dockerConfigPath");

async function image(ref: string, platform?: string): Promise<{ status: number; body: ImageInfo & ErrorBody; headers: Headers }> {
  const url = new URL("http://porthole.test/api/v1/image");
  url.searchParams.set("ref", ref);
  if (platform) url.searchParams.set("platform", platform);
  const response = await GET(new Request(url));
  return { status: response.status, body: await response.json(), headers: response.headers };
}

async function tokenRequests(): Promise<number> {
  return ((await (await fetch(`http://${TOKEN_SERVER}/stats`)).json()) as { tokens: number }).tokens;
}

beforeEach(() => {
  overrideSettings({ allowPrivateHosts: "all", dockerConfigPath });
  resetAuthCache();
});
afterEach(() => {
  resetSettings();
});

describe("GET /api/v1/image on the open registry", () => {
  it("resolves a Docker v2 image: digest, layers with diff_ids, history mapped past empty layers", async () => {
    const fixture = fixtures.multi;
    const { status, body } = await image(fixture.ref);
    expect(status).toBe(200);
    const info = body as ImageInfo;
    const [built] = fixture.images;
    expect(info).toMatchObject({
      ref: fixture.ref,
      registry: OPEN_REGISTRY,
      repository: "fixtures/multi",
      tag: "v1",
      digest: fixture.digest,
      index: null,
    });
    expect(info.mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
    expect(info.configDigest).toBe(built?.configDigest);
    expect(info.layers.map((l) => [l.digest, l.diffId, l.size])).toEqual(built?.layers.map((l) => [l.digest, l.diffId, l.size]));
    expect(info.layers.map((l) => l.createdBy)).toEqual(["ADD rootfs.tar /", "RUN make app", "COPY config.json /app/"]);
    expect(info.historyAligned).toBe(true);
    expect(info.history).toHaveLength(5);
    expect((info.config.config as { User: string }).User).toBe("1000");
    expect(info.platform).toEqual({ os: "linux", architecture: "amd64" });
  });

  it("resolves by digest, and tag@digest lets the digest win", async () => {
    const fixture = fixtures.ociZstd;
    const byDigest = await image(`${fixture.registry}/${fixture.repository}@${fixture.digest}`);
    expect(byDigest.status).toBe(200);
    expect(byDigest.body.tag).toBeNull();
    expect(byDigest.body.digest).toBe(fixture.digest);
    const both = await image(`${fixture.registry}/${fixture.repository}:no-such-tag@${fixture.digest}`);
    expect(both.status).toBe(200);
    expect(both.body.digest).toBe(fixture.digest);
  });

  it("reads OCI manifests with zstd, gzip and uncompressed layer media types", async () => {
    expect((await image(fixtures.ociZstd.ref)).body.layers.map((l) => l.mediaType)).toEqual([
      "application/vnd.oci.image.layer.v1.tar+zstd",
      "application/vnd.oci.image.layer.v1.tar+gzip",
    ]);
    expect((await image(fixtures.plain.ref)).body.layers[0]?.mediaType).toBe("application/vnd.oci.image.layer.v1.tar");
  });

  it("keeps going when history does not line up with layers, and marks it", async () => {
    const { body } = await image(fixtures.misaligned.ref);
    expect(body.historyAligned).toBe(false);
    expect(body.layers.map((l) => l.createdBy)).toEqual(["the only history entry", null]);
  });
});

describe("indexes and platforms", () => {
  const [amd64, arm64] = fixtures.index.images;

  it("defaults to linux/amd64 and lists platforms without the attestation", async () => {
    const { status, body } = await image(fixtures.index.ref);
    expect(status).toBe(200);
    expect(body.digest).toBe(amd64?.digest);
    expect(body.index?.digest).toBe(fixtures.index.digest);
    expect(body.index?.platforms.map((p) => `${p.architecture}${p.variant ? `/${p.variant}` : ""}`)).toEqual(["amd64", "arm64/v8"]);
    expect(body.index?.attachments).toEqual([
      expect.objectContaining({ digest: fixtures.index.attachments[0], kind: "attestation", refersTo: amd64?.digest }),
    ]);
  });

  it("picks the requested platform (arm64 matches arm64/v8)", async () => {
    const { body } = await image(fixtures.index.ref, "linux/arm64");
    expect(body.digest).toBe(arm64?.digest);
    expect(body.platform).toEqual({ os: "linux", architecture: "arm64", variant: "v8" });
  });

  it("answers 404 naming the offered platforms for one the index lacks", async () => {
    const { status, body } = await image(fixtures.index.ref, "linux/s390x");
    expect(status).toBe(404);
    expect(body.error.message).toContain("linux/amd64, linux/arm64/v8");
  });

  it("reads Docker manifest lists too", async () => {
    const { body } = await image(fixtures.indexDocker.ref, "linux/arm/v7");
    expect(body.index?.mediaType).toBe("application/vnd.docker.distribution.manifest.list.v2+json");
    expect(body.digest).toBe(fixtures.indexDocker.images[1]?.digest);
  });
});

describe("token-auth registry (Bearer flow)", () => {
  it("pulls a public repository anonymously", async () => {
    overrideSettings({ dockerConfigPath: null });
    const { status, body } = await image(fixtures.tokenPublic.ref);
    expect(status).toBe(200);
    expect(body.digest).toBe(fixtures.tokenPublic.digest);
  });

  it("needs credentials for a private repository: 401 without, 200 with the configured ones", async () => {
    overrideSettings({ dockerConfigPath: null });
    const anonymous = await image(fixtures.tokenPrivate.ref);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe("UNAUTHORIZED");
    expect(anonymous.body.error.message).toMatch(/authentication required/);
    resetAuthCache();
    overrideSettings({ dockerConfigPath });
    const signedIn = await image(fixtures.tokenPrivate.ref);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.digest).toBe(fixtures.tokenPrivate.digest);
  });

  it("caches the token per registry and scope: a second resolve asks the token server nothing", async () => {
    await image(fixtures.tokenPrivate.ref);
    const before = await tokenRequests();
    expect((await image(fixtures.tokenPrivate.ref)).status).toBe(200);
    expect(await tokenRequests()).toBe(before);
  });
});

describe("Basic-auth registry", () => {
  it("answers 401 without credentials and 200 with them", async () => {
    overrideSettings({ dockerConfigPath: null });
    expect((await image(fixtures.basicPrivate.ref)).status).toBe(401);
    resetAuthCache();
    overrideSettings({ dockerConfigPath });
    const { status, body } = await image(fixtures.basicPrivate.ref);
    expect(status).toBe(200);
    expect(body.digest).toBe(fixtures.basicPrivate.digest);
  });
});

describe("errors", () => {
  it("400 for a missing or malformed ref, naming the fault", async () => {
    const missing = await GET(new Request("http://porthole.test/api/v1/image"));
    expect(missing.status).toBe(400);
    const bad = await image(`${OPEN_REGISTRY}/Fixtures/multi`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({ code: "BAD_REQUEST", message: "repository names must be lowercase" });
    expect((await image(fixtures.index.ref, "linux")).status).toBe(400);
  });

  it("404 for an unknown repository, tag or digest", async () => {
    expect((await image(`${OPEN_REGISTRY}/fixtures/nope:v1`)).status).toBe(404);
    expect((await image(`${OPEN_REGISTRY}/fixtures/multi:nope`)).status).toBe(404);
    expect((await image(`${OPEN_REGISTRY}/fixtures/multi@sha256:${"0".repeat(64)}`)).status).toBe(404);
  });

  it("403 for a loopback registry unless PORTHOLE_ALLOW_PRIVATE_HOSTS allows it, saying which variable to set", async () => {
    overrideSettings({ allowPrivateHosts: [] });
    const refused = await image(fixtures.multi.ref);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("HOST_NOT_ALLOWED");
    expect(refused.body.error.message).toContain("PORTHOLE_ALLOW_PRIVATE_HOSTS");
    for (const spelling of ["127.1:15000", "[::ffff:127.0.0.1]:15000", "localhost:15000"]) {
      expect((await image(`${spelling}/fixtures/multi:v1`)).status, spelling).toBe(403);
    }
    overrideSettings({ allowPrivateHosts: [OPEN_REGISTRY] });
    expect((await image(fixtures.multi.ref)).status).toBe(200);
    expect((await image(fixtures.tokenPublic.ref)).status).toBe(403);
  });

  it("502 when nothing listens on the registry port", async () => {
    const { status, body } = await image("127.0.0.1:1/any/repo:v1");
    expect(status).toBe(502);
    expect(body.error.message).toMatch(/refused/);
  });
});
