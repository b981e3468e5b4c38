/**
 * Opening files of a listed gzip layer by Range through its seek index, against a fake registry
 * that counts what it serves and can ignore Range or serve other bytes for one (which a real
 * registry cannot be made to do). The real registry's Range path: tests/integration/file-range.test.ts.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { GET as getFile } from "@/app/api/v1/file/route";
import { GET as getLayer } from "@/app/api/v1/layer/route";
import { overrideSettings } from "@/lib/config";
import { fakeRegistry, ignoringRange, serve, tamperingRange, type FakeRegistry } from "@/tests/support/fake-registry";
import { buildImage, type BuiltImage } from "@/tests/support/image-builder";

/** Compressible but not trivially: words and numbers, with some random bytes. */
function content(seed: number, bytes: number): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const part = i % 50 === 0 ? randomBytes(2000) : Buffer.from(`${seed}:${i} ${((i * 2654435761) >>> 0).toString(36)} lib${i % 97}.so\n`);
    parts.push(part);
    size += part.length;
  }
  return Buffer.concat(parts).subarray(0, bytes);
}

const FILES = Array.from({ length: 24 }, (_, i) => ({ name: `data/file${String(i).padStart(2, "0")}.txt`, content: content(i, 700_000) }));
const SMALL = [content(100, 3000), content(101, 5000)] as const;
let registry: FakeRegistry;
let image: BuiltImage;
let layerDigest = "";
const ref = () => `${registry.host}/app:v1`;

beforeAll(async () => {
  // Smaller than the layer: the layer endpoint learns a blob's size from the registry to decide.
  overrideSettings({ allowPrivateHosts: "all", seekIndexMinBytes: 1_000_000 });
  image = await buildImage({
    format: "oci",
    layers: [
      {
        entries: [
          ...FILES,
          { name: "data/small-a", content: SMALL[0] },
          { name: "data/small-b", content: SMALL[1] },
          { name: "data/empty" },
          { name: "data/zz-last", content: "the end\n" },
        ],
      },
    ],
  });
  layerDigest = (image.layers[0] as { digest: string }).digest;
  expect((image.layers[0] as { bytes: Buffer }).bytes.length).toBeGreaterThan(1_000_000);
  registry = await fakeRegistry();
  registry.serveImage("app", "v1", image);
  // The first listing reads the whole blob once and indexes it.
  const listing = await (await getLayer(new Request(`http://porthole.test/api/v1/layer?ref=${ref()}&digest=${layerDigest}`))).text();
  expect(listing.trim().split("\n").at(-1)).toContain('"done":true');
});
afterEach(() => registry.on("GET blob", serve));

const open = (path: string, extra = "", headers: Record<string, string> = {}) =>
  getFile(new Request(`http://porthole.test/api/v1/file?ref=${ref()}&layer=${layerDigest}&path=${encodeURIComponent(path)}${extra}`, { headers }));

/** The layer blob's GETs from now on: with a Range or not, and the bytes sent. */
function watchBlobs(): { ranged: () => number; whole: () => number; bytes: () => number } {
  const start = registry.requests.length;
  const blobGets = () => registry.requests.slice(start).filter((r) => r.reference === layerDigest && r.method === "GET");
  return {
    ranged: () => blobGets().filter((r) => r.headers.range).length,
    whole: () => blobGets().filter((r) => !r.headers.range).length,
    bytes: () => blobGets().reduce((sum, r) => sum + Number(r.response.getHeader("content-length") ?? 0), 0),
  };
}

describe("opening a file of a listed layer", () => {
  it("reads each file by one Range request, a fraction of the blob, byte for byte", async () => {
    const blobBytes = (image.layers[0] as { bytes: Buffer }).bytes.length;
    for (const file of [FILES[0], FILES[11], FILES[23]] as (typeof FILES)[number][]) {
      const watch = watchBlobs();
      const response = await open(`/${file.name}`);
      expect([response.status, response.headers.get("x-porthole-read")]).toEqual([200, "range"]);
      expect(Buffer.from(await response.arrayBuffer()).equals(file.content)).toBe(true);
      expect([watch.ranged(), watch.whole()]).toEqual([1, 0]);
      expect(watch.bytes()).toBeLessThan(blobBytes / 2);
    }
  });

  it("serves the last file and an empty one", async () => {
    expect(await (await open("/data/zz-last")).text()).toBe("the end\n");
    const watch = watchBlobs();
    expect(await (await open("/data/empty")).text()).toBe("");
    expect(watch.ranged() + watch.whole()).toBe(0);
  });

  it("serves part of a file: offset and length, or an HTTP Range header (206, Content-Range)", async () => {
    const file = FILES[7] as (typeof FILES)[number];
    const part = await open(`/${file.name}`, "&offset=500000&length=1000");
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 500000-500999/${file.content.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(file.content.subarray(500_000, 501_000))).toBe(true);
    const header = await open(`/${file.name}`, "", { range: "bytes=699000-" });
    expect(header.status).toBe(206);
    expect(Buffer.from(await header.arrayBuffer()).equals(file.content.subarray(699_000))).toBe(true);
    expect((await open(`/${file.name}`, "&offset=700000")).status).toBe(416);
    expect((await open(`/${file.name}`, "&offset=-1")).status).toBe(400);
  });

  it("falls back to streaming the layer when the registry ignores Range", async () => {
    registry.on("GET blob", ignoringRange);
    const watch = watchBlobs();
    const file = FILES[12] as (typeof FILES)[number];
    const response = await open(`/${file.name}`);
    expect(response.headers.get("x-porthole-read")).toBe("stream");
    expect(Buffer.from(await response.arrayBuffer()).equals(file.content)).toBe(true);
    expect(watch.whole()).toBe(1);
  });

  it("fails (502) when the registry serves other bytes for a range than for the whole blob", async () => {
    registry.on("GET blob", tamperingRange);
    const response = await open(`/${(FILES[5] as (typeof FILES)[number]).name}`);
    // The check runs before any byte is inflated: the error comes before the body, with its status.
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { code: "UPSTREAM_INVALID", message: expect.stringMatching(/other bytes/) } });
  });
});

describe("small files read lately are kept in memory", () => {
  const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

  it("serves the next views of a small file, and parts of it, from memory without reading the layer", async () => {
    const first = await open("/data/small-a");
    expect(first.headers.get("x-porthole-read")).toBe("range");
    expect((await bytesOf(first)).equals(SMALL[0])).toBe(true);
    const watch = watchBlobs();
    const again = await open("/data/small-a");
    expect(again.headers.get("x-porthole-read")).toBe("memory");
    expect((await bytesOf(again)).equals(SMALL[0])).toBe(true);
    const part = await open("/data/small-a", "&offset=10&length=100");
    expect([part.status, part.headers.get("x-porthole-read")]).toEqual([206, "memory"]);
    expect((await bytesOf(part)).equals(SMALL[0].subarray(10, 110))).toBe(true);
    expect(watch.ranged() + watch.whole()).toBe(0);
  });

  it("keeps nothing from a read that failed its check: the next view reads the registry again", async () => {
    registry.on("GET blob", tamperingRange);
    expect((await open("/data/small-b")).status).toBe(502);
    registry.on("GET blob", serve);
    const watch = watchBlobs();
    const response = await open("/data/small-b");
    expect(response.headers.get("x-porthole-read")).toBe("range");
    expect((await bytesOf(response)).equals(SMALL[1])).toBe(true);
    expect(watch.ranged()).toBe(1);
  });
});
