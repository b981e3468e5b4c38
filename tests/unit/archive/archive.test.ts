/**
 * The browser-safe archive readers, over files held in memory (as a Web Worker would hold a File):
 * the tar index, docker-archive and OCI layouts, dive's own archives as the inputs.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readDockerArchive } from "@/lib/archive/docker-archive";
import type { ArchiveFiles } from "@/lib/archive/files";
import { readOciLayout } from "@/lib/archive/oci-layout";
import { indexTar } from "@/lib/archive/tar-index";
import { parsePlatform } from "@/lib/core/platform";
import { readTarFiles } from "@/tests/support/docker-archive";
import { END_OF_ARCHIVE, gnuLongEntry, rawEntry } from "@/tests/support/tar";
import { DIVE_DATA } from "@/tests/world/fixtures";

function inMemory(files: Map<string, Buffer>): ArchiveFiles {
  return {
    size: async (path) => files.get(path)?.length ?? null,
    read: async (path) => files.get(path) ?? null,
  };
}

const origin = { ref: "test", registry: "test", repository: "archive.tar" };
const dive = async (name: string) => inMemory(await readTarFiles(join(DIVE_DATA, name)));

describe("indexTar", () => {
  it("finds each regular file's bytes in place, through ./ prefixes, PAX and GNU long names, skipping the rest", async () => {
    const long = `blobs/sha256/${"a".repeat(120)}`;
    const paxName = `pax/${"p".repeat(110)}`;
    // A PAX record counts its own length's digits: "124 path=…\n" is 124 bytes.
    const pax = rawEntry("PaxHeaders/x", { type: "x", content: `124 path=${paxName}\n` });
    const tar = Buffer.concat([
      rawEntry("./manifest.json", { content: "[1]" }),
      rawEntry("dir/", { type: "5" }),
      gnuLongEntry(long, { content: "long" }),
      pax,
      rawEntry("short", { content: "pax named" }),
      rawEntry("empty"),
      END_OF_ARCHIVE,
    ]);
    const members = await indexTar(async (offset, length) => tar.subarray(offset, offset + length), tar.length);
    const text = (path: string) => {
      const found = members.get(path);
      return found && tar.subarray(found.offset, found.offset + found.size).toString();
    };
    expect([...members.keys()]).toEqual(["manifest.json", long, paxName, "empty"]);
    expect(text("manifest.json")).toBe("[1]");
    expect(text(long)).toBe("long");
    expect(text(paxName)).toBe("pax named");
  });

  it("refuses what is not a tar, and a tar cut short", async () => {
    const garbage = Buffer.alloc(1024, 0x41);
    await expect(indexTar(async (o, l) => garbage.subarray(o, o + l), garbage.length)).rejects.toThrow(/not a tar/);
    const cut = rawEntry("big", { content: "x".repeat(2000) }).subarray(0, 1024);
    await expect(indexTar(async (o, l) => cut.subarray(o, o + l), cut.length)).rejects.toThrow(/truncated/);
  });
});

describe("readDockerArchive", () => {
  it("names layers by diff_id and checks them against it, as skopeo does; the image is the one the archive holds", async () => {
    const { image, layers } = await readDockerArchive(await dive("test-docker-image.tar"), origin, null);
    expect(image.tag).toBe("dive-test:latest");
    expect(layers).toHaveLength(14);
    expect(layers[0]?.path).toMatch(/^[0-9a-f]{64}\/layer\.tar$/);
    expect(layers.map((layer) => layer.digest)).toEqual(image.layers.map((layer) => layer.diffId));
    expect(layers[0]?.check).toEqual({ diffId: image.layers[0]?.diffId });
    expect(image.layers[0]?.createdBy).toMatch(/ADD file:/);
    expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("reads gzip layers (kaniko) by the same rule, and picks an image by tag or @N", async () => {
    const files = await dive("test-kaniko-image.tar");
    const { image } = await readDockerArchive(files, origin, "@0");
    expect(image.layers.length).toBeGreaterThan(0);
    await expect(readDockerArchive(files, origin, "@1")).rejects.toThrow(/no @1/);
    await expect(readDockerArchive(files, origin, "other:tag")).rejects.toThrow(/no image tagged other:tag/);
  });

  it("refuses an archive without manifest.json, or whose config does not match its layers", async () => {
    await expect(readDockerArchive(inMemory(new Map()), origin, null)).rejects.toThrow(/no manifest.json/);
    const files = new Map([
      ["manifest.json", Buffer.from(JSON.stringify([{ Config: "c.json", Layers: ["l.tar"] }]))],
      ["c.json", Buffer.from(JSON.stringify({ rootfs: { diff_ids: [] } }))],
    ]);
    await expect(readDockerArchive(inMemory(files), origin, null)).rejects.toThrow(/0 diff_ids for 1 layers/);
  });
});

describe("readOciLayout", () => {
  it("reads the one image of a layout, every document checked against its digest", async () => {
    const { image, layers } = await readOciLayout(await dive("test-oci-zstd-image.tar"), origin, null, null);
    expect(image.layers[0]?.mediaType).toMatch(/zstd/);
    expect(layers[0]).toEqual({
      path: `blobs/sha256/${image.layers[0]?.digest.slice(7)}`,
      digest: image.layers[0]?.digest,
      check: { digest: image.layers[0]?.digest, diffId: image.layers[0]?.diffId },
    });
  });

  it("refuses a manifest whose bytes do not hash to its digest", async () => {
    const raw = await readTarFiles(join(DIVE_DATA, "test-oci-gzip-image.tar"));
    const manifest = JSON.parse(raw.get("index.json")!.toString()).manifests[0].digest as string;
    raw.set(`blobs/sha256/${manifest.slice(7)}`, Buffer.from("{}"));
    await expect(readOciLayout(inMemory(raw), origin, null, null)).rejects.toThrow(/digest mismatch for the manifest/);
  });

  it("chooses by ref name, and through a multi-platform index.json by platform", async () => {
    const raw = await readTarFiles(join(DIVE_DATA, "test-oci-gzip-image.tar"));
    const [entry] = JSON.parse(raw.get("index.json")!.toString()).manifests;
    const amd = { ...entry, platform: { os: "linux", architecture: "amd64" } };
    const arm = { ...entry, platform: { os: "linux", architecture: "arm64" } };
    raw.set("index.json", Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [amd, arm] })));
    const chosen = await readOciLayout(inMemory(raw), origin, null, parsePlatform("linux/arm64"));
    expect(chosen.image.index?.platforms.map((p) => p.architecture)).toEqual(["amd64", "arm64"]);
    const named = { ...entry, annotations: { "org.opencontainers.image.ref.name": "v1" } };
    raw.set(
      "index.json",
      Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [named, { ...named, annotations: { "org.opencontainers.image.ref.name": "v2" } }] })),
    );
    expect((await readOciLayout(inMemory(raw), origin, "v2", null)).image.tag).toBe("v2");
    await expect(readOciLayout(inMemory(raw), origin, null, null)).rejects.toThrow(/holds 2 images: name one .*v1, v2/);
    await expect(readOciLayout(inMemory(raw), origin, "v3", null)).rejects.toThrow(/no image named v3/);
  });

  it("names each image of a layout that holds several (its ref name, else @N), and @N picks one", async () => {
    const raw = await readTarFiles(join(DIVE_DATA, "test-oci-gzip-image.tar"));
    const [entry] = JSON.parse(raw.get("index.json")!.toString()).manifests;
    const named = { ...entry, annotations: { "org.opencontainers.image.ref.name": "v1" } };
    raw.set("index.json", Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [named, { ...entry, annotations: {} }] })));
    const refused = await readOciLayout(inMemory(raw), origin, null, null).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "BAD_REQUEST", details: { images: ["v1", "@1"] } });
    expect((await readOciLayout(inMemory(raw), origin, "@1", null)).image.digest).toBe(entry.digest);
    await expect(readOciLayout(inMemory(raw), origin, "@2", null)).rejects.toThrow(/has 2 images; there is no @2/);
  });
});
