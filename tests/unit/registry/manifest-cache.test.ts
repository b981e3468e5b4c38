/**
 * Docker Hub counts manifest GETs against pull limits, not HEADs: a second look at an image proves
 * access with a HEAD and takes the verified bytes from the cache. A fake registry counts requests.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveImage } from "@/lib/registry/image";
import { buildImage, type BuiltImage } from "@/tests/world/image-builder";
import { overrideSettings } from "@/lib/config";

let server: Server;
let host = "";
let image: BuiltImage;
const seen: string[] = [];

beforeAll(async () => {
  // Content unique to this run, so no earlier run's cache can answer for it.
  image = await buildImage({ format: "oci", layers: [{ entries: [{ name: "run.txt", content: `${process.pid}-${Date.now()}` }] }] });
  server = createServer((request, response) => {
    if (request.url === "/v2/") return response.end("{}");
    seen.push(`${request.method} ${request.url?.includes("/manifests/") ? "manifest" : "blob"}`);
    const manifest = request.url?.includes("/manifests/");
    const bytes = manifest ? image.manifest.bytes : image.config.bytes;
    response.writeHead(200, { "content-type": manifest ? image.mediaType : "application/octet-stream", "docker-content-digest": manifest ? image.manifest.digest : image.config.digest, "content-length": bytes.length });
    response.end(request.method === "HEAD" ? undefined : bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  overrideSettings({ allowPrivateHosts: "all" });
});
afterAll(() => server.close());

describe("manifests and configs by digest come from the cache", () => {
  it("fetches once, then proves access with a HEAD only", async () => {
    const first = await resolveImage(`${host}/app:v1`);
    expect(seen).toEqual(["HEAD manifest", "GET manifest", "GET blob"]);
    seen.length = 0;
    const second = await resolveImage(`${host}/app:v1`);
    expect(seen).toEqual(["HEAD manifest"]);
    expect(second).toEqual(first);
    expect(second.digest).toBe(image.manifest.digest);
  });
});
