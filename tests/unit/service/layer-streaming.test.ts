/**
 * Streaming, coalescing and caching of layer listings, against a fake registry on loopback that
 * counts blob downloads and can stall mid-blob (which a real registry cannot be made to do).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/layer/route";
import { fakeRegistry, pauseAt, type FakeRegistry } from "@/tests/support/fake-registry";
import { blobOf, compress, packLayer } from "@/tests/support/image-builder";
import { overrideSettings } from "@/lib/config";
import { layerCaptures } from "@/lib/service/layer-index";
import { registryLayer } from "@/lib/service/layer-source";

let registry: FakeRegistry;
let host = "";
let digest = "";
const downloads = () => registry.count("GET blob");
let stall: Promise<void> = Promise.resolve();
let release: () => void = () => {};

beforeAll(async () => {
  const blob = blobOf(
    compress(await packLayer(Array.from({ length: 3000 }, (_, i) => ({ name: `dir${i % 30}/file${i}`, content: `${i}\n`.repeat(50) }))), "gzip"),
  );
  digest = blob.digest;
  registry = await fakeRegistry();
  registry.serveBlob(blob);
  registry.on(
    "GET blob",
    pauseAt(0.5, () => stall),
  ); // half the blob, the rest when the test releases it
  host = registry.host;
  overrideSettings({ allowPrivateHosts: "all" });
});
afterAll(async () => {
  release();
  await registry.close();
});

const list = () => GET(new Request(`http://porthole.test/api/v1/layer?ref=${host}/app:v1&digest=${digest}`));

async function readAll(response: Response): Promise<string[]> {
  return (await response.text()).trim().split("\n");
}

describe("layer listings", () => {
  it("send their first entries while the blob is still downloading, and N viewers cost one download", async () => {
    stall = new Promise((resolve) => (release = resolve));
    const [first, second] = await Promise.all([list(), list()]);
    const reader = first.body!.getReader();
    try {
      const { value } = await reader.read(); // arrives although the registry holds back half the blob
      expect(new TextDecoder().decode(value)).toMatch(/^\{"path":"\/dir0\/file0"/);
    } finally {
      release();
    }
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    const secondLines = await readAll(second);
    expect(secondLines.at(-1)).toBe(JSON.stringify({ done: true, entries: 3000 }));
    expect(rest.trim().split("\n").at(-1)).toBe(secondLines.at(-1));
    expect(downloads()).toBe(1);
  });

  it("come from the cache the second time, without downloading the blob again", async () => {
    const before = downloads();
    const lines = await readAll(await list());
    expect(lines).toHaveLength(3000 + 1);
    expect(downloads()).toBe(before);
  });
});

describe("a layer's captures (package databases) come from the same single download", () => {
  it("wait for a listing under way instead of downloading the layer a second time", async () => {
    const entries = [{ name: "var/lib/dpkg/status", content: "Package: alpha\nStatus: install ok installed\nVersion: 1.0\n\n" }];
    for (let i = 0; i < 2000; i++) entries.push({ name: `srv/file${i}`, content: `${i}\n`.repeat(40) });
    const blob = blobOf(compress(await packLayer(entries), "gzip"));
    registry.serveBlob(blob);
    const before = downloads();
    stall = new Promise((resolve) => (release = resolve));
    // The listing has begun (its first entries are out) and holds the download half-way when captures are asked for.
    const listing = await GET(new Request(`http://porthole.test/api/v1/layer?ref=${host}/app:v1&digest=${blob.digest}`));
    const captures = layerCaptures(registryLayer({ registry: host, repository: "app" }, { digest: blob.digest }, {}));
    release();
    expect((await readAll(listing)).at(-1)).toBe(JSON.stringify({ done: true, entries: entries.length }));
    expect([...(await captures).files.keys()]).toEqual(["/var/lib/dpkg/status"]);
    expect(downloads()).toBe(before + 1);
  });
});
