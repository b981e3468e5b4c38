/**
 * The test world's repository and supply-chain fixtures: a repository with more than a hundred tags
 * (one small image, its manifest PUT under every tag), and an image with what signers and builders
 * publish about it: a BuildKit attestation manifest in its index (SPDX and SLSA provenance), an SPDX
 * SBOM and a Notary-style signature through the referrers tag schema (distribution 2.8 has no
 * referrers API), and cosign's `.sig` and `.att` tags.
 */
import { blobOf, buildImage, buildIndex, type Blob } from "../support/image-builder";
import { cyclonedxDocument, dsse, provenanceV02, simpleSigning, spdxDocument, statement } from "../support/supply-documents";
import { OPEN_REGISTRY } from "./config";
import { Pusher } from "./push";

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const EMPTY = blobOf(Buffer.from("{}"));
const EMPTY_CONFIG = { mediaType: "application/vnd.oci.empty.v1+json", digest: EMPTY.digest, size: EMPTY.bytes.length };

export const MANY_TAGS = [...Array.from({ length: 120 }, (_, i) => `v1.${i}`), "v2.0", "v10.0", "latest", "1", "2", "10", "rc-2", "rc-10"];

/** One image under every tag of MANY_TAGS, PUT a few at a time. */
export async function pushManyTags(): Promise<{ repository: string; tags: string[] }> {
  const pusher = new Pusher(OPEN_REGISTRY, "fixtures/many-tags");
  const image = await buildImage({ format: "oci", layers: [{ entries: [{ name: "tagged.txt", content: "one image, many tags\n" }] }] });
  await Promise.all([image.config, ...image.layers].map((blob) => pusher.pushBlob(blob)));
  for (let i = 0; i < MANY_TAGS.length; i += 16) {
    await Promise.all(MANY_TAGS.slice(i, i + 16).map((tag) => pusher.pushManifest(tag, image.manifest.bytes, image.mediaType)));
  }
  return { repository: `${OPEN_REGISTRY}/fixtures/many-tags`, tags: MANY_TAGS };
}

const json = (value: unknown) => blobOf(Buffer.from(JSON.stringify(value)));
const descriptor = (mediaType: string, blob: Blob, extra: object = {}) => ({ mediaType, digest: blob.digest, size: blob.bytes.length, ...extra });

/** A manifest whose layers are `documents`, its blobs pushed, the manifest pushed by digest (or `tag`). */
async function pushArtifact(
  pusher: Pusher,
  documents: { mediaType: string; blob: Blob; annotations?: Record<string, string> }[],
  fields: { config?: object; artifactType?: string; subject?: object; tag?: string } = {},
): Promise<Blob> {
  await Promise.all([EMPTY, ...documents.map((d) => d.blob)].map((blob) => pusher.pushBlob(blob)));
  const manifest = json({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    ...(fields.artifactType && { artifactType: fields.artifactType }),
    config: fields.config ?? EMPTY_CONFIG,
    layers: documents.map((d) => descriptor(d.mediaType, d.blob, d.annotations && { annotations: d.annotations })),
    ...(fields.subject && { subject: fields.subject }),
  });
  await pusher.pushManifest(fields.tag ?? manifest.digest, manifest.bytes, OCI_MANIFEST);
  return manifest;
}

export interface SupplyFixture {
  ref: string;
  index: string;
  image: string;
  /** Referrer digests by what they are. */
  buildkit: string;
  sbom: string;
  signature: string;
  cosignSig: string;
  cosignAtt: string;
}

export async function pushSupplyChain(): Promise<SupplyFixture> {
  const pusher = new Pusher(OPEN_REGISTRY, "fixtures/supply");
  const image = await buildImage({ format: "oci", layers: [{ entries: [{ name: "app.txt", content: "signed and attested\n" }] }] });
  await Promise.all([image.config, ...image.layers].map((blob) => pusher.pushBlob(blob)));
  await pusher.pushManifest(image.manifest.digest, image.manifest.bytes, image.mediaType);
  const subject = descriptor(OCI_MANIFEST, image.manifest);

  const inToto = (predicateType: string, predicate: unknown) => ({
    mediaType: "application/vnd.in-toto+json",
    blob: json(statement(predicateType, predicate, image.manifest.digest)),
    annotations: { "in-toto.io/predicate-type": predicateType },
  });
  const buildkit = await pushArtifact(
    pusher,
    [inToto("https://spdx.dev/Document", spdxDocument()), inToto("https://slsa.dev/provenance/v0.2", provenanceV02())],
    {
      config: descriptor("application/vnd.oci.image.config.v1+json", EMPTY),
    },
  );
  const attestation = descriptor(OCI_MANIFEST, buildkit, {
    platform: { os: "unknown", architecture: "unknown" },
    annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": image.manifest.digest },
  });
  const index = buildIndex("oci", [image], [attestation]);
  await pusher.pushManifest("v1", index.manifest.bytes, index.mediaType);

  // The referrers tag schema: an index at `sha256-<hex>` of the image, listing its referrers.
  const sbom = await pushArtifact(pusher, [{ mediaType: "application/spdx+json", blob: json(spdxDocument()) }], {
    artifactType: "application/spdx+json",
    subject,
  });
  const signature = await pushArtifact(
    pusher,
    [{ mediaType: "application/jose+json", blob: json({ payload: "e30", protected: "e30", signature: "c2ln" }) }],
    {
      artifactType: "application/vnd.cncf.notary.signature",
      subject,
    },
  );
  const schemaIndex = json({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      descriptor(OCI_MANIFEST, sbom, {
        artifactType: "application/spdx+json",
        annotations: { "org.opencontainers.image.created": "2026-01-01T00:00:00Z" },
      }),
      descriptor(OCI_MANIFEST, signature, { artifactType: "application/vnd.cncf.notary.signature" }),
    ],
  });
  await pusher.pushManifest(image.manifest.digest.replace(":", "-"), schemaIndex.bytes, OCI_INDEX);

  // cosign signs and attests the digest the tag names: the index's.
  const cosignTag = index.manifest.digest.replace(":", "-");
  const ref = `${OPEN_REGISTRY}/fixtures/supply:v1`;
  const cosignConfig = { config: descriptor("application/vnd.oci.image.config.v1+json", EMPTY) };
  const cosignSig = await pushArtifact(
    pusher,
    [
      {
        mediaType: "application/vnd.dev.cosign.simplesigning.v1+json",
        blob: json(simpleSigning(`${OPEN_REGISTRY}/fixtures/supply`, index.manifest.digest)),
        annotations: { "dev.cosignproject.cosign/signature": "MEUCIQDsignature" },
      },
    ],
    { ...cosignConfig, tag: `${cosignTag}.sig` },
  );
  const cycloneDx = statement("https://cyclonedx.org/bom", cyclonedxDocument(), index.manifest.digest);
  const cosignAtt = await pushArtifact(
    pusher,
    [
      {
        mediaType: "application/vnd.dsse.envelope.v1+json",
        blob: json(dsse(cycloneDx)),
        annotations: { predicateType: "https://cyclonedx.org/bom" },
      },
    ],
    { ...cosignConfig, tag: `${cosignTag}.att` },
  );
  return {
    ref,
    index: index.manifest.digest,
    image: image.manifest.digest,
    buildkit: buildkit.digest,
    sbom: sbom.digest,
    signature: signature.digest,
    cosignSig: cosignSig.digest,
    cosignAtt: cosignAtt.digest,
  };
}
