/**
 * A listing is cached gzipped as well as plain once whole: clients that take gzip get it as it is;
 * one that is gone is made again from the checked listing, and a damaged one is never sent.
 */
import { readdirSync, rmSync, truncateSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as getLayer } from "@/app/api/v1/layer/route";
import { overrideSettings, settings } from "@/lib/config";
import { serveDirect } from "@/lib/http/direct-lane";
import { gzippedIndexKey } from "@/lib/service/layer-index";
import { fakeRegistry, type FakeRegistry } from "@/tests/support/fake-registry";
import { buildImage } from "@/tests/support/image-builder";

let registry: FakeRegistry;
let digest = "";
let plain = "";

const query = () => `/api/v1/layer?ref=${registry.host}/big:v1&digest=${digest}`;
/** A server answering through the direct lane, as the built app does once the route is loaded. */
let lane: Server;

/** The layer endpoint through the lane, its bytes as sent (not decompressed). */
function list(headers: Record<string, string> = {}): Promise<Response> {
  const { port } = lane.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    httpRequest(`http://127.0.0.1:${port}${query()}`, { headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve(new Response(Buffer.concat(chunks), { status: response.statusCode, headers: response.headers as Record<string, string> })),
      );
    })
      .on("error", reject)
      .end();
  });
}

/** The cache file of the gzipped listing (named by the sha256 of its key), or undefined. */
const gzippedEntry = () => {
  const name = createHash("sha256").update(gzippedIndexKey(digest)).digest("hex");
  return readdirSync(settings().cacheDir).find((file) => file.startsWith(`${name}-`));
};

beforeAll(async () => {
  overrideSettings({ allowPrivateHosts: "all" });
  // 8 000 files, each listed with its digest: a listing of about 1.5 MB, past what is kept in memory.
  const entries = Array.from({ length: 8000 }, (_, i) => ({ name: `usr/share/doc/package-${i}/copyright-${i}`, content: `${process.pid} ${i}` }));
  const image = await buildImage({ format: "oci", layers: [{ entries }] });
  digest = (image.layers[0] as { digest: string }).digest;
  registry = await fakeRegistry();
  registry.serveImage("big", "v1", image);
  lane = createServer((request, response) => void serveDirect(request, response, getLayer));
  await new Promise<void>((resolve) => lane.listen(0, "127.0.0.1", resolve));
  plain = await (await list()).text();
  expect(plain.length).toBeGreaterThan(1024 ** 2);
});
afterAll(() => {
  registry.close();
  lane.close();
});

describe("a large cached listing", () => {
  it("is cached gzipped once whole; gone from the disk before it was read, it is made again", async () => {
    await vi.waitFor(() => expect(gzippedEntry()).toBeDefined());
    const made = gzippedEntry();
    vi.spyOn(console, "error").mockImplementation(() => {});
    rmSync(join(settings().cacheDir, made as string));
    const answer = await list({ "accept-encoding": "gzip" });
    expect(answer.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(Buffer.from(await answer.arrayBuffer())).toString()).toBe(plain);
    expect(gzippedEntry()).toBeDefined();
    vi.restoreAllMocks();
  });

  it("goes gzipped to a client that takes gzip, the same lines, sent as kept", async () => {
    const answer = await list({ "accept-encoding": "gzip, br" });
    expect([answer.headers.get("content-encoding"), answer.headers.get("vary")]).toEqual(["gzip", "Accept-Encoding"]);
    const zipped = Buffer.from(await answer.arrayBuffer());
    expect(zipped.length).toBeLessThan(plain.length / 4);
    expect(gunzipSync(zipped).toString()).toBe(plain);
    expect(gzippedEntry()).toBeDefined();
    const again = await list({ "accept-encoding": "gzip" });
    expect(Buffer.from(await again.arrayBuffer()).equals(zipped)).toBe(true);
  });

  it("goes plain to a request the lane did not make (Next.js drops a route's Content-Encoding), even one that takes gzip", async () => {
    const answer = await getLayer(new Request(`http://porthole.test${query()}`, { headers: { "accept-encoding": "gzip" } }));
    expect(answer.headers.get("content-encoding")).toBeNull();
    expect(await answer.text()).toBe(plain);
  });

  it("goes plain to a client that does not take gzip", async () => {
    const answer = await list({ "accept-encoding": "gzip;q=0, identity" });
    expect(answer.headers.get("content-encoding")).toBeNull();
    expect(await answer.text()).toBe(plain);
  });

  // A gzipped listing is small enough to be kept in memory once checked, so damage on disk since is never read
  // (damage found on a read from disk is dropped and refetched: tests/unit/cache/disk-cache.test.ts).
  it("is never sent damaged when its gzipped entry is damaged on disk", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    await list({ "accept-encoding": "gzip" }).then((answer) => answer.arrayBuffer());
    truncateSync(join(settings().cacheDir, gzippedEntry() as string), 100);
    const answer = await list({ "accept-encoding": "gzip" });
    expect(gunzipSync(Buffer.from(await answer.arrayBuffer())).toString()).toBe(plain);
    vi.restoreAllMocks();
  });
});
