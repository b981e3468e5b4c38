import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parsePlatform } from "@/lib/core/platform";
import { parseManifest, verifyDigest } from "@/lib/registry/manifest";
import { choosePlatform, indexEntries } from "@/lib/registry/manifest-parse";
import { MEDIA } from "@/lib/registry/media-types";
import type { IndexPlatform } from "@/lib/core/api-types";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe("parseManifest", () => {
  it("takes the media type from the body, then Content-Type, then the shape", () => {
    const image = { schemaVersion: 2, config: { mediaType: "x", digest: digest("a"), size: 1 }, layers: [] };
    expect(parseManifest(json({ ...image, mediaType: MEDIA.dockerManifest }), null).manifest.mediaType).toBe(MEDIA.dockerManifest);
    expect(parseManifest(json(image), MEDIA.dockerManifest).manifest.mediaType).toBe(MEDIA.dockerManifest);
    expect(parseManifest(json(image), "application/json").manifest.mediaType).toBe(MEDIA.ociManifest);
    expect(parseManifest(json({ schemaVersion: 2, manifests: [] }), null).kind).toBe("index");
  });

  it("refuses schema 1 manifests as unsupported (415), by field or by media type", () => {
    expect(() => parseManifest(json({ schemaVersion: 1, fsLayers: [] }), null)).toThrow(/schema 1/);
    try {
      parseManifest(json({ name: "x" }), MEDIA.dockerSchema1Signed);
    } catch (error) {
      expect((error as { status: number }).status).toBe(415);
    }
    expect.assertions(2);
  });

  it("reports invalid JSON and malformed descriptors as upstream errors (502)", () => {
    expect(() => parseManifest(Buffer.from("{nope"), null)).toThrow(/not valid JSON/);
    expect(() => parseManifest(json({ config: { digest: "md5:1" }, layers: [] }), MEDIA.ociManifest)).toThrow(/valid digest/);
  });
});

describe("verifyDigest", () => {
  it("accepts bytes that hash to the digest and names both digests on a mismatch", () => {
    const bytes = Buffer.from("hello");
    const good = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    expect(() => verifyDigest(bytes, good, "manifest")).not.toThrow();
    expect(() => verifyDigest(Buffer.from("hellO"), good, "manifest")).toThrow(`expected ${good}`);
    const sha512 = `sha512:${createHash("sha512").update(bytes).digest("hex")}`;
    expect(() => verifyDigest(bytes, sha512, "manifest")).not.toThrow();
  });
});

describe("index platforms", () => {
  const index = {
    mediaType: MEDIA.ociIndex,
    manifests: [
      { mediaType: MEDIA.ociManifest, digest: digest("1"), size: 1, platform: { os: "linux", architecture: "arm64", variant: "v8" } },
      { mediaType: MEDIA.ociManifest, digest: digest("2"), size: 1, platform: { os: "linux", architecture: "amd64" } },
      { mediaType: MEDIA.ociManifest, digest: digest("3"), size: 1, platform: { os: "linux", architecture: "arm", variant: "v7" } },
      {
        mediaType: MEDIA.ociManifest,
        digest: digest("4"),
        size: 1,
        platform: { os: "unknown", architecture: "unknown" },
        annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": digest("2") },
      },
    ],
  };
  const { platforms, attachments } = indexEntries(index);

  it("labels attestation manifests and never offers them as platforms", () => {
    expect(platforms.map((p) => p.digest)).toEqual([digest("1"), digest("2"), digest("3")]);
    expect(attachments).toEqual([{ digest: digest("4"), mediaType: MEDIA.ociManifest, kind: "attestation", refersTo: digest("2") }]);
  });

  it("defaults to linux/amd64 wherever it is listed", () => {
    expect(choosePlatform(platforms, null).digest).toBe(digest("2"));
  });

  it("falls back to the first runnable platform without linux/amd64", () => {
    expect(
      choosePlatform(
        platforms.filter((p) => p.architecture !== "amd64"),
        null,
      ).digest,
    ).toBe(digest("1"));
  });

  it("treats arm64 and arm64/v8 as one platform, and honours other variants exactly", () => {
    expect(choosePlatform(platforms, parsePlatform("linux/arm64")).digest).toBe(digest("1"));
    const bare: IndexPlatform[] = [{ os: "linux", architecture: "arm64", digest: digest("5"), mediaType: "", size: 1 }];
    expect(choosePlatform(bare, parsePlatform("linux/arm64/v8")).digest).toBe(digest("5"));
    expect(choosePlatform(platforms, parsePlatform("linux/arm/v7")).digest).toBe(digest("3"));
    expect(() => choosePlatform(platforms, parsePlatform("linux/arm/v6"))).toThrow(
      /no linux\/arm\/v6 variant.*offers: linux\/arm64\/v8, linux\/amd64, linux\/arm\/v7/,
    );
  });

  it("rejects malformed platform strings as bad requests", () => {
    for (const bad of ["linux", "linux/", "a/b/c/d", "linux/amd 64"]) expect(() => parsePlatform(bad), bad).toThrow(/invalid platform/);
  });
});
