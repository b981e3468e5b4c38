/**
 * eStargz layers listed from their table of contents (two Range requests) and files read from
 * their own chunks, on dive's eStargz image, served by a fake registry that records what it is
 * asked for. The TOC listing must equal the full-stream listing of the same layer.
 */
import { Readable } from "node:stream";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getFile } from "@/app/api/v1/file/route";
import { GET as getLayer } from "@/app/api/v1/layer/route";
import type { LayerEntry } from "@/lib/core/api-types";
import { overrideSettings } from "@/lib/config";
import { listLayer } from "@/lib/layer/read";
import { readTarFiles } from "@/tests/support/docker-archive";
import { fakeRegistry, type FakeRegistry } from "@/tests/support/fake-registry";
import { blobOf } from "@/tests/support/image-builder";
import { registryLayer } from "@/lib/service/layer-source";
import { tocEntries } from "@/lib/service/layer-toc";

const TOC_ANNOTATION = "containerd.io/snapshot/stargz/toc.digest";
let registry: FakeRegistry;
let layer: { digest: string; bytes: Buffer };

beforeAll(async () => {
  overrideSettings({ allowPrivateHosts: "all" });
  const files = await readTarFiles(join(import.meta.dirname, "../../../../shared/dive-data/test-oci-estargz-image.tar"));
  const blob = (digest: string) => files.get(`blobs/${digest.replace(":", "/")}`) as Buffer;
  const index = JSON.parse((files.get("index.json") as Buffer).toString());
  const manifestBytes = blob(index.manifests[0].digest);
  const manifest = JSON.parse(manifestBytes.toString());
  layer = { digest: manifest.layers[0].digest, bytes: blob(manifest.layers[0].digest) };
  registry = await fakeRegistry();
  const mediaType = "application/vnd.oci.image.manifest.v1+json";
  registry.serveManifest("dive", "estargz", blobOf(manifestBytes), mediaType);
  expect(manifest.layers[0].annotations[TOC_ANNOTATION]).toMatch(/^sha256:/);
  for (const digest of [manifest.config.digest, layer.digest]) registry.serveBlob(blobOf(blob(digest)));
});
afterAll(() => registry.close());

async function listed(tag: string): Promise<LayerEntry[]> {
  const response = await getLayer(new Request(`http://porthole.test/api/v1/layer?ref=${registry.host}/dive:${tag}&digest=${layer.digest}`));
  const lines = (await response.text()).trim().split("\n");
  expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ done: true });
  return lines.slice(0, -1).map((line) => JSON.parse(line) as LayerEntry);
}

/** The layer blob's GETs from now on, whole or ranged. */
function watch() {
  const start = registry.requests.length;
  const gets = () => registry.requests.slice(start).filter((r) => r.reference === layer.digest && r.method === "GET");
  return { whole: () => gets().filter((r) => !r.headers.range).length, ranged: () => gets().filter((r) => r.headers.range).length };
}

async function fullStream(): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  for await (const batch of listLayer(Readable.from([layer.bytes]), { digest: layer.digest })) entries.push(...batch);
  return entries;
}

describe("an eStargz layer", () => {
  it("is listed from its table of contents with two Range requests, equal to the full-stream listing", async () => {
    const blob = watch();
    const fromToc = await listed("estargz");
    expect([blob.whole(), blob.ranged()]).toEqual([0, 2]);
    // The full read also says where each file's bytes start in the tar; the TOC has no such offsets.
    const withoutOffsets = (await fullStream()).map(({ offset, ...entry }) => (void offset, entry));
    expect(fromToc).toEqual(withoutOffsets);
    expect(fromToc.map((e) => e.path)).toEqual(["/README.md"]);
  });

  it("serves a file from its own chunk by Range, checked against the TOC's chunk digest", async () => {
    const blob = watch();
    const response = await getFile(
      new Request(`http://porthole.test/api/v1/file?ref=${registry.host}/dive:estargz&path=/README.md&layer=${layer.digest}`),
    );
    expect([response.status, response.headers.get("x-porthole-read")]).toEqual([200, "range"]);
    const readme = Buffer.from(await response.arrayBuffer());
    expect(readme.toString("utf8", 0, 6)).toBe("# dive");
    expect((await fullStream())[0]?.size).toBe(readme.length);
    expect([blob.whole(), blob.ranged()]).toEqual([0, 1]);
  });
});

describe("an eStargz layer whose manifest names another TOC digest", () => {
  it("has its TOC refused (the listing then reads the layer whole): the TOC is believed only as the manifest vouches for it", async () => {
    const source = registryLayer(
      { registry: registry.host, repository: "dive" },
      { digest: layer.digest, size: layer.bytes.length, tocDigest: `sha256:${"0".repeat(64)}` },
      {},
    );
    await expect(tocEntries(source)).rejects.toThrow(/does not match its digest/);
  });

  it("is not one without a TOC digest, or without a footer", async () => {
    const plain = registryLayer({ registry: registry.host, repository: "dive" }, { digest: layer.digest, size: layer.bytes.length }, {});
    expect(await tocEntries(plain)).toBeNull();
  });
});
