/**
 * Supply-chain documents as builders and signers write them (SPDX 2.3, CycloneDX 1.5, SLSA provenance
 * v0.2 and v1, in-toto statements, DSSE envelopes, cosign's simple signing payload), with hostile
 * text where a registry's author could put it. Shared by the test world's fixtures and unit tests.
 */
export const HOSTILE = "<img src=x onerror=alert(1)>";

export const spdxDocument = () => ({
  spdxVersion: "SPDX-2.3",
  SPDXID: "SPDXRef-DOCUMENT",
  name: "fixture",
  packages: [
    {
      name: "busybox",
      SPDXID: "SPDXRef-busybox",
      versionInfo: "1.36.1-r15",
      licenseConcluded: "GPL-2.0-only",
      externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: "pkg:apk/alpine/busybox@1.36.1-r15" }],
    },
    { name: "musl", SPDXID: "SPDXRef-musl", versionInfo: "1.2.4-r2", licenseDeclared: "MIT" },
    { name: HOSTILE, SPDXID: "SPDXRef-hostile", versionInfo: "6.6.6" },
  ],
});

export const cyclonedxDocument = () => ({
  bomFormat: "CycloneDX",
  specVersion: "1.5",
  components: [
    {
      type: "library",
      name: "openssl",
      version: "3.1.4",
      purl: "pkg:deb/debian/openssl@3.1.4",
      licenses: [{ license: { id: "Apache-2.0" } }],
      components: [{ type: "library", name: "libssl3", version: "3.1.4", licenses: [{ expression: "Apache-2.0 OR MIT" }] }],
    },
  ],
});

export const provenanceV02 = () => ({
  builder: { id: "https://github.com/docker/buildx@v0.12.0" },
  buildType: "https://mobyproject.org/buildkit@v1",
  invocation: {
    configSource: {
      uri: "https://github.com/example/app.git#main",
      digest: { sha1: "0123456789abcdef0123456789abcdef01234567" },
      entryPoint: "Dockerfile",
    },
  },
  materials: [
    { uri: "pkg:docker/alpine@3.19?platform=linux%2Famd64", digest: { sha256: "c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b" } },
    { uri: HOSTILE, digest: { sha256: "0".repeat(64) } },
  ],
});

export const provenanceV1 = () => ({
  buildDefinition: {
    buildType: "https://actions.github.io/buildtypes/workflow/v1",
    externalParameters: { workflow: { ref: "refs/heads/main", repository: "https://github.com/example/app", path: ".github/workflows/build.yml" } },
    resolvedDependencies: [{ uri: "git+https://github.com/example/app@refs/heads/main", digest: { gitCommit: "abc123" } }],
  },
  runDetails: { builder: { id: "https://github.com/actions/runner/github-hosted" } },
});

export const statement = (predicateType: string, predicate: unknown, subject = "sha256:" + "1".repeat(64)) => ({
  _type: "https://in-toto.io/Statement/v0.1",
  predicateType,
  subject: [{ name: "image", digest: { sha256: subject.replace("sha256:", "") } }],
  predicate,
});

/** A DSSE envelope around a statement, as cosign attest writes it (the signature is not checked by Porthole). */
export const dsse = (payload: unknown) => ({
  payloadType: "application/vnd.in-toto+json",
  payload: Buffer.from(JSON.stringify(payload)).toString("base64"),
  signatures: [{ keyid: "", sig: "MEUCIQ==" }],
});

/** cosign's simple signing payload for an image digest. */
export const simpleSigning = (reference: string, digest: string) => ({
  critical: { identity: { "docker-reference": reference }, image: { "docker-manifest-digest": digest }, type: "cosign container image signature" },
  optional: null,
});
