/**
 * Docker Hub counts manifest GETs against pull limits, not HEADs: a second look at an image proves
 * access with a HEAD and takes the verified bytes from the cache. A fake registry counts requests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveImage } from "@/lib/service/image";
import { imageQueryOf } from "@/tests/support/image-query";
import { fakeRegistry, type FakeRegistry } from "@/tests/support/fake-registry";
import { buildImage, type BuiltImage } from "@/tests/support/image-builder";
import { overrideSettings } from "@/lib/config";

let registry: FakeRegistry;
let host = "";
let image: BuiltImage;
/** The requests the registry saw, but pings, as `METHOD route`. */
const seen = () => registry.requests.filter((r) => r.route !== "ping").map((r) => `${r.method} ${r.route}`);

beforeAll(async () => {
  // Content unique to this run, so no earlier run's cache can answer for it.
  image = await buildImage({ format: "oci", layers: [{ entries: [{ name: "run.txt", content: `${process.pid}-${Date.now()}` }] }] });
  registry = await fakeRegistry();
  registry.serveImage("app", "v1", image);
  host = registry.host;
  overrideSettings({ allowPrivateHosts: "all" });
});
afterAll(() => registry.close());

describe("manifests and configs by digest come from the cache", () => {
  it("fetches once, then proves access with a HEAD only", async () => {
    const first = await resolveImage(imageQueryOf(`${host}/app:v1`));
    expect(seen()).toEqual(["HEAD manifest", "GET manifest", "GET blob"]);
    registry.requests.length = 0;
    const second = await resolveImage(imageQueryOf(`${host}/app:v1`));
    expect(seen()).toEqual(["HEAD manifest"]);
    expect(second).toEqual(first);
    expect(second.digest).toBe(image.manifest.digest);
  });
});

describe("a burst of requests for one image", () => {
  it("shares one HEAD among the callers with the same credentials while it is under way, and asks again after", async () => {
    await resolveImage(imageQueryOf(`${host}/app:v1`));
    registry.requests.length = 0;
    const burst = await Promise.all(Array.from({ length: 20 }, () => resolveImage(imageQueryOf(`${host}/app:v1`))));
    expect(new Set(burst.map((image) => image.digest))).toEqual(new Set([image.manifest.digest]));
    expect(seen()).toEqual(["HEAD manifest"]);
    registry.requests.length = 0;
    await resolveImage(imageQueryOf(`${host}/app:v1`));
    expect(seen()).toEqual(["HEAD manifest"]);
  });

  it("does not share a HEAD between different credentials", async () => {
    registry.requests.length = 0;
    const as = (username: string) => imageQueryOf(`${host}/app:v1`, { auth: { credentials: { username, password: "p" } } });
    await Promise.all([resolveImage(as("alice")), resolveImage(as("bob"))]);
    expect(seen()).toEqual(["HEAD manifest", "HEAD manifest"]);
  });
});
