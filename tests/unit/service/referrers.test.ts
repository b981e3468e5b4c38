/**
 * Referrers as the OCI 1.1 referrers API lists them, which distribution 2.8 (the test world's
 * registry) lacks: a fake registry serves `/v2/<name>/referrers/<digest>` with a second page behind
 * a Link. Also: the fallback to the tag schema when the API answers 404, cosign's tags, and an
 * artifact's documents (a DSSE envelope unwrapped to its in-toto statement).
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { overrideSettings } from "@/lib/config";
import { readArtifact } from "@/lib/service/artifact";
import { imageReferrers } from "@/lib/service/referrers";
import { closeFakeRegistries, fakeRegistry, send, status, type FakeRegistry } from "@/tests/support/fake-registry";
import { blobOf, buildImage, type BuiltImage } from "@/tests/support/image-builder";
import { imageQueryOf } from "@/tests/support/image-query";
import { cyclonedxDocument, dsse, statement } from "@/tests/support/supply-documents";

const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const json = (value: unknown) => blobOf(Buffer.from(JSON.stringify(value)));
const entry = (digest: string, artifactType: string, annotations: Record<string, string> = {}) => ({
  mediaType: OCI_MANIFEST,
  digest,
  size: 500,
  artifactType,
  annotations,
});

let image: BuiltImage;
const other = (n: number) => `sha256:${String(n).repeat(64)}`;

beforeAll(async () => {
  image = await buildImage({ format: "oci", layers: [{ entries: [{ name: "a.txt", content: `${process.pid}\n` }] }] });
  overrideSettings({ allowPrivateHosts: "all" });
});
afterEach(() => closeFakeRegistries());

async function registryWithImage(): Promise<FakeRegistry> {
  const registry = await fakeRegistry();
  registry.serveImage("app", "v1", image);
  return registry;
}

describe("the referrers API", () => {
  it("is asked first, its Link pages followed, and its entries listed as `api`", async () => {
    const registry = await registryWithImage();
    const path = `/v2/app/referrers/${image.manifest.digest}` as const;
    const first = json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry(other(1), "application/spdx+json")] });
    const second = json({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [entry(other(2), "application/vnd.in-toto+json", { "in-toto.io/predicate-type": "https://slsa.dev/provenance/v1" }), { bad: 1 }],
    });
    registry.on(path, ({ request, response }) => {
      const next = `<${path}?next=2>; rel="next"`;
      if (request.url?.includes("next=2")) response.writeHead(200, { "content-type": OCI_INDEX }).end(second.bytes);
      else response.writeHead(200, { "content-type": OCI_INDEX, link: next }).end(first.bytes);
    });
    const answer = await imageReferrers(imageQueryOf(`${registry.host}/app:v1`));
    expect(answer.digest).toBe(image.manifest.digest);
    expect(answer.referrers).toEqual([
      { ...entry(other(1), "application/spdx+json"), source: "api", subject: image.manifest.digest },
      {
        ...entry(other(2), "application/vnd.in-toto+json", { "in-toto.io/predicate-type": "https://slsa.dev/provenance/v1" }),
        predicateTypes: ["https://slsa.dev/provenance/v1"],
        source: "api",
        subject: image.manifest.digest,
      },
    ]);
    // With the API there, the tag schema is not asked.
    expect(registry.count(`/v2/app/manifests/${image.manifest.digest.replace(":", "-")}`)).toBe(0);
  });

  it("falls back to the tag schema when the registry has no API (404), and finds cosign's tags", async () => {
    const registry = await registryWithImage();
    registry.on(`/v2/app/referrers/${image.manifest.digest}`, status(404, {}, "404 page not found"));
    const tagged = json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry(other(3), "application/vnd.cncf.notary.signature")] });
    registry.serveManifest("app", image.manifest.digest.replace(":", "-"), tagged, OCI_INDEX);
    const sig = json({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: other(4), size: 2 },
      layers: [{ mediaType: "application/vnd.dev.cosign.simplesigning.v1+json", digest: other(5), size: 10 }],
    });
    registry.serveManifest("app", `${image.manifest.digest.replace(":", "-")}.sig`, sig, OCI_MANIFEST);
    const answer = await imageReferrers(imageQueryOf(`${registry.host}/app:v1`));
    expect(answer.referrers.map((r) => [r.source, r.digest, r.artifactType])).toEqual([
      ["tag-schema", other(3), "application/vnd.cncf.notary.signature"],
      ["cosign", sig.digest, "application/vnd.dev.cosign.simplesigning.v1+json"],
    ]);
    expect(answer.referrers[1]).toMatchObject({ tag: `${image.manifest.digest.replace(":", "-")}.sig`, size: sig.bytes.length });
  });

  it("passes on a refusal that is not 'no such API' (403)", async () => {
    const registry = await registryWithImage();
    registry.on(`/v2/app/referrers/${image.manifest.digest}`, status(403));
    await expect(imageReferrers(imageQueryOf(`${registry.host}/app:v1`))).rejects.toMatchObject({ code: "DENIED" });
  });

  it("an index that is not JSON from the API is read as no API", async () => {
    const registry = await registryWithImage();
    registry.on(`/v2/app/referrers/${image.manifest.digest}`, send("<html>hello</html>"));
    expect((await imageReferrers(imageQueryOf(`${registry.host}/app:v1`))).referrers).toEqual([]);
  });
});

describe("an artifact", () => {
  it("is its manifest and its documents: a DSSE envelope unwrapped, non-JSON noted, oversized ones not read", async () => {
    const registry = await registryWithImage();
    const inner = statement("https://cyclonedx.org/bom", cyclonedxDocument());
    const envelope = json(dsse(inner));
    const binary = blobOf(Buffer.from([0xff, 0x00, 0x01]));
    for (const blob of [envelope, binary]) registry.serveBlob(blob);
    const manifest = json({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: "application/vnd.dev.cosign.attestation",
      config: { mediaType: "application/vnd.oci.empty.v1+json", digest: other(6), size: 2 },
      layers: [
        { mediaType: "application/vnd.dsse.envelope.v1+json", digest: envelope.digest, size: envelope.bytes.length },
        { mediaType: "application/octet-stream", digest: binary.digest, size: binary.bytes.length },
        { mediaType: "application/spdx+json", digest: other(7), size: 1e12 },
      ],
    });
    registry.serveManifest("app", null, manifest, OCI_MANIFEST);
    const artifact = await readArtifact(imageQueryOf(`${registry.host}/app:v1`), manifest.digest);
    expect(artifact).toMatchObject({ digest: manifest.digest, artifactType: "application/vnd.dev.cosign.attestation" });
    const [first, second, third] = artifact.documents;
    expect(first?.statement).toEqual(inner);
    expect(second).toMatchObject({ json: null, statement: null, note: "not JSON" });
    expect(third?.note).toMatch(/over the/);
    expect(registry.count(`GET /v2/app/blobs/${other(7)}`)).toBe(0);
  });

  it("must hash to the digest asked for", async () => {
    const registry = await registryWithImage();
    registry.on(`/v2/app/manifests/${other(8)}`, send(JSON.stringify({ schemaVersion: 2, layers: [] })));
    await expect(readArtifact(imageQueryOf(`${registry.host}/app:v1`), other(8))).rejects.toMatchObject({ code: "UPSTREAM_INVALID" });
  });
});
