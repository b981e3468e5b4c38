/**
 * The cap on blob bodies open at once, against a fake registry on loopback that holds bodies open
 * until the test ends them, breaks them off, or the client destroys them (a real registry cannot
 * be made to hold a download open on demand).
 */
import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PortholeError } from "@/lib/core/errors";
import { fileResponse } from "@/lib/http/file-response";
import { openLayerEntry } from "@/lib/layer/read";
import { openBlob } from "@/lib/registry/blob";
import { upstreamStreams } from "@/lib/registry/limits";
import { resetAuthCache } from "@/lib/registry/auth";
import { fakeRegistry, serve, type FakeRegistry } from "@/tests/support/fake-registry";
import { settlesWithin, until } from "@/tests/support/run";
import { tarHeader } from "@/tests/support/tar";
import { overrideSettings, resetSettings } from "@/lib/config";

const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const MISSING = digest(9);
const TAR = digest(8); // a layer with one big file, of which the registry sends the start only
const BODY_BYTES = 1000;

let registry: FakeRegistry;
let target = { registry: "", repository: "r" };
/** Blob GETs as the registry saw them, in order, with their responses still open. */
let requests: { digest: string; response: ServerResponse }[] = [];
const opened: Readable[] = [];

async function open(n: number): Promise<Readable> {
  const { body } = await openBlob(target, digest(n));
  body.on("error", () => {}); // the tests break some bodies off on purpose
  opened.push(body);
  return body;
}

beforeEach(async () => {
  overrideSettings({ allowPrivateHosts: "all", maxUpstreamStreams: 2 });
  resetAuthCache();
  requests = [];
  registry = await fakeRegistry();
  registry.on("*", ({ reference: asked, response }) => {
    requests.push({ digest: asked, response });
    if (asked === TAR) return void response.writeHead(200).write(Buffer.concat([tarHeader("big", { size: 2 ** 30 }), Buffer.alloc(256 * 1024, "x")]));
    response.writeHead(200, { "content-length": BODY_BYTES });
    response.write(Buffer.alloc(10)); // the rest when the test says so
  });
  registry.on(`/v2/r/blobs/${MISSING}`, serve); // a blob it does not hold: 404 BLOB_UNKNOWN
  target = { registry: registry.host, repository: "r" };
});

afterEach(async () => {
  for (const body of opened.splice(0)) body.destroy();
  await until(() => upstreamStreams.inUse === 0 && upstreamStreams.waiting === 0);
  await registry.close();
  resetSettings();
});

describe("at most PORTHOLE_MAX_UPSTREAM_STREAMS blob bodies open at once", () => {
  it("with the limit at 2, a 3rd openBlob waits, without asking the registry, until a body is destroyed", async () => {
    const first = await open(1);
    await open(2);
    const third = open(3);
    expect(await settlesWithin(third, 300)).toBe(false);
    expect(requests.map((r) => r.digest)).toEqual([digest(1), digest(2)]);
    expect(upstreamStreams.waiting).toBe(1);

    first.destroy();
    await third;
    expect(requests.map((r) => r.digest)).toEqual([digest(1), digest(2), digest(3)]);
    expect(upstreamStreams.inUse).toBe(2);
  });

  it("a slot comes back when a body is read to its end, and when the registry breaks it off", async () => {
    overrideSettings({ maxUpstreamStreams: 1 });
    const whole = await open(1);
    requests[0]?.response.end(Buffer.alloc(BODY_BYTES - 10));
    expect(Buffer.concat(await whole.toArray()).length).toBe(BODY_BYTES);
    const broken = await open(2); // would wait for good if the first had kept its slot
    requests[1]?.response.destroy();
    await until(() => broken.destroyed);
    await open(3);
    expect(requests.map((r) => r.digest)).toEqual([digest(1), digest(2), digest(3)]);
  });

  it("waiters are served in arrival order", async () => {
    overrideSettings({ maxUpstreamStreams: 1 });
    const holder = await open(1);
    const served: number[] = [];
    const waiters = [2, 3, 4].map((n) => open(n).then((body) => (served.push(n), body)));
    await until(() => upstreamStreams.waiting === 3);
    holder.destroy();
    for (const waiter of waiters) (await waiter).destroy();
    expect(served).toEqual([2, 3, 4]);
    expect(requests.map((r) => r.digest)).toEqual([1, 2, 3, 4].map(digest));
  });

  it("a waiter gives up after PORTHOLE_UPSTREAM_WAIT_MS with 504 'server busy', and leaves the queue", async () => {
    overrideSettings({ maxUpstreamStreams: 1 });
    overrideSettings({ upstreamWaitMs: 300 });
    await open(1);
    const started = Date.now();
    const error = await open(2).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(PortholeError);
    expect((error as PortholeError).status).toBe(504);
    expect((error as PortholeError).message).toMatch(/^server busy/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(upstreamStreams.waiting).toBe(0);
    expect(requests).toHaveLength(1);
  });

  it("a failed openBlob gives its slot back", async () => {
    overrideSettings({ maxUpstreamStreams: 1 });
    const error = await openBlob(target, MISSING).catch((failure: unknown) => failure);
    expect((error as PortholeError).code).toBe("NOT_FOUND");
    expect(upstreamStreams.inUse).toBe(0);
    await open(1);
  });

  it("a file download the client abandons gives its slot back at once", async () => {
    overrideSettings({ maxUpstreamStreams: 1 });
    const { body } = await openBlob(target, TAR);
    const opened = await openLayerEntry(body, 0);
    const response = await fileResponse(
      { entry: opened!.entry, content: opened!.content, layerDigest: TAR, via: "stream" },
      { download: true, cacheControl: "private, no-cache" },
    );
    const reader = response.body!.getReader();
    expect((await reader.read()).value?.length).toBeGreaterThan(0);
    await reader.cancel(); // the browser went away
    await until(() => upstreamStreams.inUse === 0, 2000);
    expect(body.destroyed).toBe(true);
  });
});

describe("at most PORTHOLE_MAX_STREAMS_PER_CLIENT of them held for one client", () => {
  const openFor = async (client: string, n: number) => {
    const { body } = await openBlob(target, digest(n), { client });
    body.on("error", () => {});
    opened.push(body);
    return body;
  };

  it("a client past its share waits, then gets a 429, while another client is served", async () => {
    overrideSettings({ maxUpstreamStreams: 10, maxStreamsPerClient: 2, upstreamWaitMs: 300 });
    await openFor("198.51.100.1", 1);
    await openFor("198.51.100.1", 2);
    const third = openFor("198.51.100.1", 3);
    await openFor("198.51.100.2", 4);
    const error = await third.then(
      () => null,
      (failure: PortholeError) => failure,
    );
    expect(error?.code).toBe("RATE_LIMITED");
    expect(error?.status).toBe(429);
    expect(error?.retryAfter).toBeGreaterThan(0);
    expect(requests.map((r) => r.digest)).toEqual([digest(1), digest(2), digest(4)]);
  });

  it("a client's slot comes back with its body, and the next of its downloads goes ahead", async () => {
    overrideSettings({ maxUpstreamStreams: 10, maxStreamsPerClient: 1 });
    const first = await openFor("198.51.100.1", 1);
    const second = openFor("198.51.100.1", 2);
    expect(await settlesWithin(second, 200)).toBe(false);
    first.destroy();
    await second;
    expect(requests.map((r) => r.digest)).toEqual([digest(1), digest(2)]);
  });
});
