/**
 * Faults a real registry does not produce on demand (429s, 5xx, redirects to another host, stalls,
 * oversized bodies), from the in-process fake registry on loopback.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openBlob } from "@/lib/registry/blob";
import { resolveImage } from "@/lib/service/image";
import { buildImage } from "@/tests/support/image-builder";
import { imageQueryOf } from "@/tests/support/image-query";
import { resetAuthCache } from "@/lib/registry/auth";
import { PortholeError } from "@/lib/core/errors";
import { overrideSettings, resetSettings } from "@/lib/config";
import {
  challenge,
  closeFakeRegistries,
  fakeRegistry,
  huge,
  redirect,
  send,
  sequence,
  serve,
  stall,
  status,
  trickle,
} from "@/tests/support/fake-registry";

const DIGEST = `sha256:${"c".repeat(64)}`;
const credentials = { username: "u", password: "p" };

async function failure(promise: Promise<unknown>): Promise<PortholeError> {
  try {
    await promise;
  } catch (error) {
    return error as PortholeError;
  }
  throw new Error("expected a failure");
}

beforeEach(() => {
  overrideSettings({ allowPrivateHosts: "all" });
  resetAuthCache();
});
afterEach(async () => {
  resetSettings();
  await closeFakeRegistries();
});

describe("transport faults", () => {
  it("retries a 503 and a short 429 Retry-After, then succeeds", async () => {
    const fake = await fakeRegistry();
    fake.on("*", sequence(status(503), status(429, { "retry-after": "1" }), send("blob bytes")));
    const host = fake.host;
    const started = Date.now();
    const { body } = await openBlob({ registry: host, repository: "r" }, DIGEST);
    expect(Buffer.concat(await body.toArray()).toString()).toBe("blob bytes");
    expect(fake.count()).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("passes a long Retry-After on to the user as a 429 instead of waiting it out", async () => {
    const fake = await fakeRegistry();
    fake.on("*", status(429, { "retry-after": "120" }));
    const host = fake.host;
    const started = Date.now();
    const error = await failure(resolveImage(imageQueryOf(`${host}/r:v1`)));
    expect(error.status).toBe(429);
    expect(error.retryAfter).toBe(120);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("gives up on a registry that keeps failing with 502", async () => {
    const fake = await fakeRegistry();
    fake.on("*", status(500));
    const host = fake.host;
    const error = await failure(resolveImage(imageQueryOf(`${host}/r:v1`)));
    expect(error.status).toBe(502);
    expect(fake.count()).toBe(4);
  });

  it("never sends Authorization to the host a blob GET redirects to", async () => {
    const cdn = await fakeRegistry({ host: "127.0.0.2" });
    cdn.on("*", send("from the cdn"));
    const upstream = await fakeRegistry();
    upstream.on("ping", challenge('Basic realm="r"'));
    upstream.on("*", redirect(`http://${cdn.host}/blobs/x?sig=1`));
    const registry = upstream.host;
    const { body } = await openBlob({ registry, repository: "r" }, DIGEST, { credentials });
    expect(Buffer.concat(await body.toArray()).toString()).toBe("from the cdn");
    const seenAtRegistry = upstream.requests.filter((r) => r.route !== "ping").at(-1)?.headers;
    const seenAtCdn = cdn.requests.at(-1)?.headers;
    expect(seenAtRegistry!.authorization).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
    expect(seenAtCdn).toBeDefined();
    expect(seenAtCdn!.authorization).toBeUndefined();
  });

  it("checks every redirect hop against the private-host gate", async () => {
    const cdn = await fakeRegistry({ host: "127.0.0.2" });
    cdn.on("*", send("secret"));
    const upstream = await fakeRegistry();
    upstream.on("*", redirect(`http://${cdn.host}/x`, 302));
    const registry = upstream.host;
    overrideSettings({ allowPrivateHosts: [registry] }); // the registry itself, not where it redirects
    const error = await failure(openBlob({ registry, repository: "r" }, DIGEST));
    expect(error.code).toBe("HOST_NOT_ALLOWED");
    expect(cdn.requests).toHaveLength(0);
  });

  it("checks the token realm against the private-host gate too", async () => {
    const realm = await fakeRegistry({ host: "127.0.0.2" });
    realm.on(["ping", "*"], send('{"token":"t"}'));
    const upstream = await fakeRegistry();
    upstream.on(["ping", "*"], challenge(`Bearer realm="http://${realm.host}/token",service="s"`));
    const registry = upstream.host;
    overrideSettings({ allowPrivateHosts: [registry] });
    const error = await failure(resolveImage(imageQueryOf(`${registry}/r:v1`)));
    expect(error.code).toBe("HOST_NOT_ALLOWED");
    expect(realm.requests).toHaveLength(0);
  });

  it("a 401 for one repository applies to that repository: its refused realm does not break the others", async () => {
    const realm = await fakeRegistry({ host: "127.0.0.2" });
    const upstream = await fakeRegistry();
    upstream.serveImage("good", "v1", await buildImage({ format: "oci", layers: [{ entries: [{ name: "a.txt", content: "a" }] }] }));
    const refusing = challenge(`Bearer realm="http://${realm.host}/token",service="s"`);
    upstream.on("*", (exchange) => (exchange.repository === "bad" ? refusing(exchange) : serve(exchange)));
    overrideSettings({ allowPrivateHosts: [upstream.host] });
    expect((await failure(resolveImage(imageQueryOf(`${upstream.host}/bad:v1`)))).code).toBe("HOST_NOT_ALLOWED");
    const good = await resolveImage(imageQueryOf(`${upstream.host}/good:v1`));
    expect(good.layers).toHaveLength(1);
    expect((await failure(resolveImage(imageQueryOf(`${upstream.host}/bad:v1`)))).code).toBe("HOST_NOT_ALLOWED");
    expect(realm.requests).toHaveLength(0);
  });

  it("times out a registry that stops sending (504)", async () => {
    overrideSettings({ idleTimeoutMs: 300 });
    const fake = await fakeRegistry();
    fake.on("*", stall({ headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" }, body: "{" })); // then nothing
    const host = fake.host;
    const error = await failure(resolveImage(imageQueryOf(`${host}/r:v1`)));
    expect(error.status).toBe(504);
  });

  it("times out a registry that trickles forever, though never idle long enough to trip the idle timeout", async () => {
    overrideSettings({ idleTimeoutMs: 300, totalTimeoutMs: 800 });
    const fake = await fakeRegistry();
    fake.on("*", trickle("x", 100));
    const host = fake.host;
    const { body } = await openBlob({ registry: host, repository: "r" }, DIGEST);
    const started = Date.now();
    const error = await failure(body.toArray());
    expect(error.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("aborts a body slower than the minimum rate over the window (504), long before the total timeout", async () => {
    overrideSettings({ minBytesPerSecond: 1000, minRateWindowMs: 400 });
    const fake = await fakeRegistry();
    fake.on("*", trickle("x", 50)); // ~20 bytes/s with framing: far under 1000
    const { body } = await openBlob({ registry: fake.host, repository: "r" }, DIGEST);
    const started = Date.now();
    const error = await failure(body.toArray());
    expect(error.code).toBe("UPSTREAM_TIMEOUT");
    expect(error.message).toMatch(/under the minimum of 1000 bytes\/s/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("does not count against the registry the time we made it wait (our reader was slow)", async () => {
    overrideSettings({ minBytesPerSecond: 100_000, minRateWindowMs: 300 });
    const fake = await fakeRegistry();
    const bytes = Buffer.alloc(8 * 1024 * 1024, 7);
    fake.on("*", send(bytes));
    const { body } = await openBlob({ registry: fake.host, repository: "r" }, DIGEST);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // nobody reads: buffers fill, the socket pauses
    const received = Buffer.concat(await body.toArray());
    expect(received.length).toBe(bytes.length);
  });

  it("refuses a manifest over 4 MiB with 413, without reading it all", async () => {
    const fake = await fakeRegistry();
    fake.on("*", huge(50 * 1024 * 1024, 1024));
    fake.on("HEAD *", status(200));
    const host = fake.host;
    const error = await failure(resolveImage(imageQueryOf(`${host}/r:v1`)));
    expect(error.status).toBe(413);
  });

  it("reports a manifest whose bytes do not match the requested digest as 502", async () => {
    const fake = await fakeRegistry();
    fake.on("*", send('{"schemaVersion":2,"manifests":[]}'));
    const host = fake.host;
    const error = await failure(resolveImage(imageQueryOf(`${host}/r@${DIGEST}`)));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/digest mismatch/);
  });

  it("reports invalid JSON from the registry as 502", async () => {
    const fake = await fakeRegistry();
    fake.on("*", send("<html>not json</html>"));
    const host = fake.host;
    expect((await failure(resolveImage(imageQueryOf(`${host}/r:v1`)))).status).toBe(502);
  });

  it("refuses a token realm on plain HTTP at another host", async () => {
    const upstream = await fakeRegistry();
    upstream.on(["ping", "*"], challenge('Bearer realm="http://auth.example.com/token",service="s"'));
    const registry = upstream.host;
    const error = await failure(resolveImage(imageQueryOf(`${registry}/r:v1`)));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/not HTTPS/);
  });
});
