/**
 * One registry that stops answering must not hold up the others: while requests to a stalled fake
 * registry hang, requests to a healthy one answer at their usual speed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LayerEntry } from "@/lib/core/api-types";
import { listLayer } from "@/lib/layer/read";
import { openBlob } from "@/lib/registry/blob";
import { resolveImage } from "@/lib/registry/image";
import { buildImage } from "@/tests/world/image-builder";
import { loopbackServer, until } from "./support";
import { overrideSettings, resetSettings } from "@/lib/config";

let stalled: Awaited<ReturnType<typeof loopbackServer>>;
let healthy: Awaited<ReturnType<typeof loopbackServer>>;
let stalledRequests = 0;

beforeAll(async () => {
  overrideSettings({ allowPrivateHosts: "all" });
  const image = await buildImage({ format: "oci", layers: [{ entries: [{ name: "etc/os-release", content: "ID=healthy\n" }] }] });
  const blobs = new Map([image.config, ...image.layers].map((blob) => [blob.digest, blob.bytes]));
  healthy = await loopbackServer((request, response) => {
    if (request.url === "/v2/") return response.end("{}");
    if (request.url === "/v2/app/manifests/v1") return response.writeHead(200, { "content-type": image.mediaType }).end(image.manifest.bytes);
    const blob = blobs.get(request.url?.split("/blobs/")[1] ?? "");
    if (blob) return response.end(blob);
    response.writeHead(404).end();
  });
  // Answers the ping, then takes every other request and says nothing, ever.
  stalled = await loopbackServer((request, response) => {
    if (request.url === "/v2/") return response.end("{}");
    stalledRequests++;
  });
});

afterAll(async () => {
  await Promise.all([stalled.close(), healthy.close()]);
  resetSettings();
});

describe("a stalled registry", () => {
  it("does not slow down requests to a healthy one", async () => {
    const hanging = [
      resolveImage(`${stalled.host}/app:v1`),
      openBlob({ registry: stalled.host, repository: "app" }, `sha256:${"5".repeat(64)}`),
    ].map((call) => call.then(() => "answered", () => "failed"));
    await until(() => stalledRequests === 2);

    const started = performance.now();
    const image = await resolveImage(`${healthy.host}/app:v1`);
    const layer = image.layers[0] as (typeof image.layers)[number];
    const { body } = await openBlob(image, layer.digest);
    const entries: LayerEntry[] = [];
    for await (const entry of listLayer(body, { digest: layer.digest, diffId: layer.diffId })) entries.push(entry);
    const took = performance.now() - started;
    console.log(`healthy registry: image, blob and listing in ${Math.round(took)} ms while ${stalledRequests} requests hang`);

    expect(entries.map((e) => e.path)).toEqual(["/etc/os-release"]);
    expect(took).toBeLessThan(2000);
    let settled = false;
    void Promise.race(hanging).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false); // the stalled calls are still waiting on their registry

    await stalled.close(); // now they fail, and nothing is left running
    expect(await Promise.all(hanging)).toEqual(["failed", "failed"]);
  });
});
