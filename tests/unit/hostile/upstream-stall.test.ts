/**
 * One registry that stops answering must not hold up the others: while requests to a stalled fake
 * registry hang, requests to a healthy one answer at their usual speed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LayerEntry } from "@/lib/core/api-types";
import { listLayer } from "@/lib/layer/read";
import { openBlob } from "@/lib/registry/blob";
import { resolveImage } from "@/lib/service/image";
import { imageQueryOf } from "@/tests/support/image-query";
import { fakeRegistry, stall, type FakeRegistry } from "@/tests/support/fake-registry";
import { buildImage } from "@/tests/support/image-builder";
import { settlesWithin, until } from "@/tests/support/run";
import { overrideSettings, resetSettings } from "@/lib/config";

let stalled: FakeRegistry;
let healthy: FakeRegistry;

beforeAll(async () => {
  overrideSettings({ allowPrivateHosts: "all" });
  const image = await buildImage({ format: "oci", layers: [{ entries: [{ name: "etc/os-release", content: "ID=healthy\n" }] }] });
  healthy = await fakeRegistry();
  healthy.serveImage("app", "v1", image);
  // Answers the ping, then takes every other request and says nothing, ever.
  stalled = await fakeRegistry();
  stalled.on("*", stall());
});

afterAll(async () => {
  await Promise.all([stalled.close(), healthy.close()]);
  resetSettings();
});

describe("a stalled registry", () => {
  it("does not slow down requests to a healthy one", async () => {
    const hanging = [
      resolveImage(imageQueryOf(`${stalled.host}/app:v1`)),
      openBlob({ registry: stalled.host, repository: "app" }, `sha256:${"5".repeat(64)}`),
    ].map((call) =>
      call.then(
        () => "answered",
        () => "failed",
      ),
    );
    await until(() => stalled.count() === 2);

    const started = performance.now();
    const image = await resolveImage(imageQueryOf(`${healthy.host}/app:v1`));
    const layer = image.layers[0] as (typeof image.layers)[number];
    const { body } = await openBlob(image, layer.digest);
    const entries: LayerEntry[] = [];
    for await (const batch of listLayer(body, { digest: layer.digest, diffId: layer.diffId })) entries.push(...batch);
    const took = performance.now() - started;
    console.log(`healthy registry: image, blob and listing in ${Math.round(took)} ms while ${stalled.count()} requests hang`);

    expect(entries.map((e) => e.path)).toEqual(["/etc/os-release"]);
    expect(took).toBeLessThan(2000);
    expect(await settlesWithin(Promise.race(hanging), 50)).toBe(false); // the stalled calls are still waiting on their registry

    await stalled.close(); // now they fail, and nothing is left running
    expect(await Promise.all(hanging)).toEqual(["failed", "failed"]);
  });
});
