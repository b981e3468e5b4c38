import { describe, expect, it } from "vitest";
import type { ArtifactDocument, Referrer } from "@/lib/core/api-types";
import { readableDocument, referrerKind } from "@/lib/client/supply-chain";
import { statementOf } from "@/lib/service/artifact";
import { cyclonedxDocument, dsse, HOSTILE, provenanceV02, provenanceV1, spdxDocument, statement } from "@/tests/support/supply-documents";

const document = (json: unknown): ArtifactDocument => ({
  digest: `sha256:${"a".repeat(64)}`,
  mediaType: "application/json",
  size: 1,
  annotations: {},
  json,
  statement: statementOf(json),
});

describe("readable views of supply-chain documents", () => {
  it("lists an SPDX SBOM's packages, bare or as an in-toto predicate, hostile names as plain strings", () => {
    const expected = {
      kind: "sbom",
      format: "SPDX-2.3",
      packages: [
        { name: "busybox", version: "1.36.1-r15", license: "GPL-2.0-only", purl: "pkg:apk/alpine/busybox@1.36.1-r15" },
        { name: "musl", version: "1.2.4-r2", license: "MIT", purl: "" },
        { name: HOSTILE, version: "6.6.6", license: "", purl: "" },
      ],
    };
    expect(readableDocument(document(spdxDocument()))).toEqual(expected);
    expect(readableDocument(document(statement("https://spdx.dev/Document", spdxDocument())))).toEqual(expected);
  });

  it("lists CycloneDX components, nested ones too, from a DSSE envelope", () => {
    expect(readableDocument(document(dsse(statement("https://cyclonedx.org/bom", cyclonedxDocument()))))).toEqual({
      kind: "sbom",
      format: "CycloneDX 1.5",
      packages: [
        { name: "openssl", version: "3.1.4", license: "Apache-2.0", purl: "pkg:deb/debian/openssl@3.1.4" },
        { name: "libssl3", version: "3.1.4", license: "Apache-2.0 OR MIT", purl: "" },
      ],
    });
  });

  it("reads SLSA provenance v0.2 and v1: builder, build type, source and materials", () => {
    expect(readableDocument(document(statement("https://slsa.dev/provenance/v0.2", provenanceV02())))).toEqual({
      kind: "provenance",
      format: "SLSA provenance v0.2",
      builder: "https://github.com/docker/buildx@v0.12.0",
      buildType: "https://mobyproject.org/buildkit@v1",
      source: { uri: "https://github.com/example/app.git#main", digest: "sha1:0123456789abcdef0123456789abcdef01234567" },
      materials: [
        { uri: "pkg:docker/alpine@3.19?platform=linux%2Famd64", digest: "sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b" },
        { uri: HOSTILE, digest: `sha256:${"0".repeat(64)}` },
      ],
    });
    expect(readableDocument(document(statement("https://slsa.dev/provenance/v1", provenanceV1())))).toMatchObject({
      format: "SLSA provenance v1",
      builder: "https://github.com/actions/runner/github-hosted",
      source: { uri: "https://github.com/example/app", digest: "refs/heads/main" },
      materials: [{ uri: "git+https://github.com/example/app@refs/heads/main", digest: "gitCommit:abc123" }],
    });
  });

  it("has nothing readable to say of other JSON, and survives hostile shapes", () => {
    expect(readableDocument(document({ critical: {} }))).toBeNull();
    expect(readableDocument(document(statement("https://example.com/custom", { a: 1 })))).toBeNull();
    expect(readableDocument(document({ spdxVersion: { toString: 1 }, packages: [] }))).toBeNull();
    const hostile = { spdxVersion: "SPDX-2.3", packages: [null, 7, { name: { x: 1 }, versionInfo: ["1"], externalRefs: "x" }] };
    expect(readableDocument(document(hostile))).toEqual({
      kind: "sbom",
      format: "SPDX-2.3",
      packages: [{ name: "", version: "", license: "", purl: "" }],
    });
    let deep: Record<string, unknown> = { name: "leaf" };
    for (let i = 0; i < 50_000; i++) deep = { name: `n${i}`, components: [deep] };
    const deepSbom = readableDocument(document({ bomFormat: "CycloneDX", components: [deep] }));
    expect(deepSbom?.kind === "sbom" && deepSbom.packages.length).toBe(20_000);
  });
});

describe("what a referrer is, in words", () => {
  const referrer = (fields: Partial<Referrer>): Referrer => ({
    digest: `sha256:${"b".repeat(64)}`,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    artifactType: null,
    size: 1,
    annotations: {},
    source: "api",
    subject: "",
    ...fields,
  });
  it("names attestations by predicate, artifacts by type", () => {
    expect(referrerKind(referrer({ predicateTypes: ["https://spdx.dev/Document", "https://slsa.dev/provenance/v0.2"] }))).toBe(
      "attestation: SPDX SBOM, SLSA provenance",
    );
    expect(referrerKind(referrer({ artifactType: "application/spdx+json" }))).toBe("SPDX SBOM");
    expect(referrerKind(referrer({ artifactType: "application/vnd.dev.cosign.simplesigning.v1+json" }))).toBe("cosign signature");
    expect(referrerKind(referrer({ artifactType: "application/vnd.cncf.notary.signature" }))).toBe("Notary signature");
    expect(referrerKind(referrer({ artifactType: "application/x-custom" }))).toBe("application/x-custom");
  });
});
