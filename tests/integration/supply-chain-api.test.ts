/**
 * Tags, referrers and artifacts against the real registry (distribution 2.8): a repository with
 * more than a hundred tags, and an image with a BuildKit attestation in its index, an SBOM and a
 * signature through the referrers tag schema, and cosign's `.sig` and `.att` tags.
 */
import { beforeEach, describe, expect, inject, it } from "vitest";
import { GET as artifactGet } from "@/app/api/v1/artifact/route";
import { GET as referrersGet } from "@/app/api/v1/referrers/route";
import { GET as tagsGet } from "@/app/api/v1/tags/route";
import { overrideSettings } from "@/lib/config";
import type { ArtifactResponse, ReferrersResponse, TagsResponse } from "@/lib/core/api-types";
import { naturalCompare } from "@/lib/core/natural-order";
import { readableDocument } from "@/lib/client/supply-chain";
import { resetAuthCache } from "@/lib/registry/auth";
import { OPEN_REGISTRY, TOKEN_REGISTRY } from "@/tests/world/config";
import { HOSTILE } from "@/tests/support/supply-documents";

const fixtures = inject("fixtures");
const dockerConfigPath = inject("dockerConfigPath");

async function call<T>(handler: (request: Request) => Promise<Response>, endpoint: string, params: Record<string, string>) {
  const response = await handler(new Request(`http://porthole.test/api/v1/${endpoint}?${new URLSearchParams(params)}`));
  return { status: response.status, body: (await response.json()) as T & { error?: { code: string; message: string } }, headers: response.headers };
}

beforeEach(() => {
  overrideSettings({ allowPrivateHosts: "all", dockerConfigPath });
  resetAuthCache();
});

describe("GET /api/v1/tags", () => {
  it("lists every tag of a repository with more than a hundred, in natural order", async () => {
    const { status, body, headers } = await call<TagsResponse>(tagsGet, "tags", { repo: fixtures.manyTags.repository });
    expect(status).toBe(200);
    expect(body.repository).toBe(fixtures.manyTags.repository);
    expect(body.truncated).toBe(false);
    expect(body.tags).toEqual([...fixtures.manyTags.tags].sort(naturalCompare));
    expect(body.tags.length).toBeGreaterThan(100);
    expect(body.tags.indexOf("v1.9")).toBeLessThan(body.tags.indexOf("v1.10"));
    expect(body.tags.slice(0, 3)).toEqual(["1", "2", "10"]);
    expect(headers.get("cache-control")).toBe("public, max-age=60");
  });

  it("answers 404 for an unknown repository, 400 for a tag in the name, 401 where credentials are needed", async () => {
    expect((await call(tagsGet, "tags", { repo: `${OPEN_REGISTRY}/no/such-repo` })).status).toBe(404);
    const tagged = await call(tagsGet, "tags", { repo: `${OPEN_REGISTRY}/fixtures/multi:v1` });
    expect(tagged.status).toBe(400);
    expect(tagged.body.error?.message).toMatch(/without a tag/);
    overrideSettings({ dockerConfigPath: null });
    expect((await call(tagsGet, "tags", { repo: `${TOKEN_REGISTRY}/private/hello` })).status).toBe(401);
  });
});

describe("GET /api/v1/referrers", () => {
  it("finds the tag schema's SBOM and signature, cosign's tags and BuildKit's attestation", async () => {
    const supply = fixtures.supply;
    const { status, body } = await call<ReferrersResponse>(referrersGet, "referrers", { ref: supply.ref });
    expect(status).toBe(200);
    expect(body).toMatchObject({ digest: supply.image, index: supply.index });
    const seen = body.referrers.map((r) => [r.source, r.digest, r.subject]);
    expect(seen).toEqual([
      ["tag-schema", supply.sbom, supply.image],
      ["tag-schema", supply.signature, supply.image],
      ["cosign", supply.cosignSig, supply.index],
      ["cosign", supply.cosignAtt, supply.index],
      ["index", supply.buildkit, supply.image],
    ]);
    const [sbom, signature, sig, att, buildkit] = body.referrers;
    expect(sbom).toMatchObject({
      artifactType: "application/spdx+json",
      annotations: { "org.opencontainers.image.created": "2026-01-01T00:00:00Z" },
    });
    expect(signature?.artifactType).toBe("application/vnd.cncf.notary.signature");
    expect(sig).toMatchObject({ artifactType: "application/vnd.dev.cosign.simplesigning.v1+json", tag: `${supply.index.replace(":", "-")}.sig` });
    expect(att?.predicateTypes).toEqual(["https://cyclonedx.org/bom"]);
    expect(buildkit?.predicateTypes).toEqual(["https://spdx.dev/Document", "https://slsa.dev/provenance/v0.2"]);
  });

  it("reads the predicate type of an attestation that does not annotate it, and lists none for an image without", async () => {
    const { body } = await call<ReferrersResponse>(referrersGet, "referrers", { ref: fixtures.index.ref });
    expect(body.referrers).toEqual([expect.objectContaining({ source: "index", predicateTypes: ["https://spdx.dev/Document"] })]);
    const none = await call<ReferrersResponse>(referrersGet, "referrers", { ref: fixtures.multi.ref });
    expect(none.body.referrers).toEqual([]);
  });
});

describe("GET /api/v1/artifact", () => {
  it("reads an attestation's statements: the SPDX packages and the provenance, hostile text kept as text", async () => {
    const supply = fixtures.supply;
    const { status, body, headers } = await call<ArtifactResponse>(artifactGet, "artifact", { ref: supply.ref, digest: supply.buildkit });
    expect(status).toBe(200);
    expect(headers.get("cache-control")).toMatch(/immutable/);
    const [spdx, provenance] = body.documents.map(readableDocument);
    expect(spdx?.kind === "sbom" && spdx.packages.map((p) => p.name)).toEqual(["busybox", "musl", HOSTILE]);
    expect(provenance).toMatchObject({ kind: "provenance", builder: "https://github.com/docker/buildx@v0.12.0" });
  });

  it("unwraps cosign's DSSE attestation, and refuses a digest that is not a manifest of the repository", async () => {
    const supply = fixtures.supply;
    const { body } = await call<ArtifactResponse>(artifactGet, "artifact", { ref: supply.ref, digest: supply.cosignAtt });
    expect(body.documents[0]?.statement).toMatchObject({ predicateType: "https://cyclonedx.org/bom" });
    expect((await call(artifactGet, "artifact", { ref: supply.ref, digest: `sha256:${"9".repeat(64)}` })).status).toBe(404);
    expect((await call(artifactGet, "artifact", { ref: supply.ref, digest: "nope" })).status).toBe(400);
  });
});
