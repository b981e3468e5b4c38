/**
 * The server's front door, on the built app as a real process: rate limits per client (by socket
 * address, not by what headers claim), and an honest shutdown — a listing cut by SIGTERM ends with
 * an error line, and a kill -9 leaves nothing in the cache that a later read would take as whole.
 */
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { gzippedIndexKey, layerIndexKey } from "@/lib/service/layer-index";
import { DiskCache } from "@/lib/cache/disk-cache";
import { fakeRegistry, type FakeRegistry } from "@/tests/support/fake-registry";
import { getFrom, type Answer } from "@/tests/support/get-from";
import { buildImage, type BuiltImage } from "@/tests/support/image-builder";
import { startApp, type RunningApp } from "@/tests/world/app";
import { APP_URL } from "@/tests/world/config";

const get = getFrom;

interface RawAnswer {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET asking for gzip, its body as sent (not decompressed). */
function rawGet(url: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers: { "accept-encoding": "gzip" }, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

/** An app of the describe block's own: started before its tests, stopped after them. */
function ownApp(url: string, env: Record<string, string> = {}): RunningApp {
  const app = {} as RunningApp;
  beforeAll(async () => void Object.assign(app, await startApp(url, env)));
  afterAll(() => app.stop());
  return app;
}

describe("rate limits per client", () => {
  const app = ownApp("http://127.0.0.1:3195", { PORTHOLE_RATE_LIMIT_PER_MIN: "5" });

  it("answers 429 with Retry-After past the limit, while another client is served and health is never limited", async () => {
    const session = `${app.url}/api/v1/session`;
    for (let i = 0; i < 5; i++) expect((await get(session)).status).toBe(200);
    const limited = await get(session);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(JSON.parse(limited.body).error).toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/at most 5 a minute/) });
    expect((await get(session, { from: "127.0.0.2" })).status).toBe(200);
    expect((await get(`${app.url}/api/health`)).status).toBe(200);
  });

  it("is not fooled by headers naming another client (no proxy is trusted by default)", async () => {
    const spoofed = await get(`${app.url}/api/v1/session`, { headers: { "x-forwarded-for": "198.51.100.99", "x-porthole-client": "198.51.100.98" } });
    expect(spoofed.status).toBe(429);
  });
});

describe("the request log", () => {
  const app = ownApp("http://127.0.0.1:3197", { PORTHOLE_QUIET_LOG: "0" });

  it("writes one JSON line per API request when it closes: what was asked, the status, the time and the bytes on the wire, never a header", async () => {
    const answer = await get(`${app.url}/api/v1/session?ref=shown&password=hidden`, { headers: { cookie: "porthole_session=secret-cookie" } });
    const wire = Buffer.byteLength(answer.body);
    let line: Record<string, unknown> | undefined;
    await expect
      .poll(() => {
        line = app
          .output()
          .split("\n")
          .filter((text) => text.startsWith("{") && text.includes('"/api/v1/session"'))
          .map((text) => JSON.parse(text) as Record<string, unknown>)[0];
        return line;
      })
      .toBeDefined();
    expect(line).toMatchObject({ method: "GET", path: "/api/v1/session", ref: "shown", status: 200, ms: expect.any(Number) });
    expect(line?.bytes).toBeGreaterThan(wire); // the body and its headers
    expect(JSON.stringify(line)).not.toMatch(/hidden|secret-cookie/);
    expect(app.output()).not.toMatch(/"\/api\/health"/);
  });
});

describe("shutdown", () => {
  let registry: FakeRegistry;
  let image: BuiltImage;
  let app: RunningApp | null = null;

  beforeAll(async () => {
    // A plain (uncompressed) layer of 2 000 small files, of which the registry sends the start and then nothing.
    const entries = Array.from({ length: 2000 }, (_, i) => ({ name: `f/${i}.txt`, content: `file ${i} `.repeat(60) }));
    image = await buildImage({ format: "oci", layers: [{ compression: "none", entries }] });
    registry = await fakeRegistry();
    registry.serveImage("app", "v1", image);
    const layer = image.layers[0] as BuiltImage["layers"][number];
    registry.on(`GET /v2/app/blobs/${layer.digest}`, ({ response }) => {
      response.writeHead(200, { "content-length": String(layer.bytes.length) });
      response.write(layer.bytes.subarray(0, 64 * 1024));
    });
  });
  afterEach(async () => {
    await app?.stop();
    app = null;
  });
  afterAll(() => registry.close());

  const listing = (running: RunningApp) => {
    const layer = image.layers[0] as BuiltImage["layers"][number];
    return `${running.url}/api/v1/layer?ref=${encodeURIComponent(`${registry.host}/app:v1`)}&digest=${layer.digest}`;
  };

  /** Starts a listing that stalls after its first lines; resolves once the first line arrived, with the rest to come. */
  function stalledListing(running: RunningApp): Promise<{ rest: Promise<string>; first: string }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(listing(running), { agent: false }, (response) => {
        let body = "";
        let ended: (text: string) => void = () => {};
        const rest = new Promise<string>((done) => (ended = done));
        response.on("data", (chunk: Buffer) => {
          const first = body === "";
          body += chunk.toString();
          if (first) resolve({ first: body, rest });
        });
        response.on("end", () => ended(body));
        response.on("error", () => ended(body));
      });
      request.on("error", reject);
      request.end();
    });
  }

  // The first request to a route goes through Next.js, which loads it; later ones take the direct lane.
  it.each([
    ["through Next.js", false],
    ["through the direct lane", true],
  ])("on SIGTERM, lets the grace period pass, then ends a listing with an error line (never a false done) and exits (%s)", async (_lane, direct) => {
    app = await startApp("http://127.0.0.1:3194", { PORTHOLE_SHUTDOWN_GRACE_MS: "1000" });
    const running = app;
    if (direct) expect((await get(`${running.url}/api/v1/layer`)).status).toBe(400);
    const { first, rest } = await stalledListing(running);
    expect(JSON.parse(first.split("\n")[0] as string).path).toMatch(/^\/f\/\d+\.txt$/);
    const exited = new Promise<void>((resolve) => running.child.once("exit", () => resolve()));
    const signalled = Date.now();
    running.child.kill("SIGTERM");
    const lines = (await rest).trim().split("\n");
    const waited = Date.now() - signalled;
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ error: { code: "SHUTTING_DOWN" } });
    expect(lines.some((line) => line.includes('"done"'))).toBe(false);
    await exited;
  });

  it("after kill -9 mid-listing, the cache holds nothing a later read takes as whole", async () => {
    app = await startApp("http://127.0.0.1:3193");
    const running = app;
    await stalledListing(running);
    const exited = new Promise<void>((resolve) => running.child.once("exit", () => resolve()));
    running.child.kill("SIGKILL");
    await exited;
    const layer = image.layers[0] as BuiltImage["layers"][number];
    expect(await new DiskCache(running.cacheDir, 1 << 30).get(layerIndexKey(layer.digest))).toBeNull();
  });
});

describe("everything under /api answers the JSON error shape", () => {
  const call = async (method: string, path: string) => {
    const response = await fetch(`${APP_URL}${path}`, { method });
    return { status: response.status, allow: response.headers.get("allow"), type: response.headers.get("content-type"), body: await response.json() };
  };

  it("an unknown path is a JSON 404, whatever the method", async () => {
    for (const [method, path] of [
      ["GET", "/api/v1/nope"],
      ["POST", "/api/nothing/here"],
      ["DELETE", "/api/v2/image"],
    ] as const) {
      const answer = await call(method, path);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.type).toMatch(/^application\/json/);
      expect(answer.body.error).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining(path) });
    }
  });

  it("a method an endpoint does not serve is a JSON 405 naming the ones it does", async () => {
    const post = await call("POST", "/api/v1/image?ref=alpine");
    expect(post.status).toBe(405);
    expect(post.allow).toBe("GET, HEAD");
    expect(post.body.error).toMatchObject({ code: "METHOD_NOT_ALLOWED", message: "POST is not allowed here; use GET, HEAD" });
    expect((await call("DELETE", "/api/health")).status).toBe(405);
    const put = await call("PUT", "/api/v1/session");
    expect(put.status).toBe(405);
    expect(put.allow).toBe("GET, POST, DELETE, HEAD");
  });
});

describe("the direct lane", () => {
  const app = ownApp("http://127.0.0.1:3196");

  it("answers a route's GETs without Next.js once Next.js has loaded the route, exactly as Next.js did", async () => {
    for (const path of ["/api/v1/session", `/api/v1/image?ref=${encodeURIComponent("Not A Ref!")}`]) {
      const [throughNext, direct] = [await get(`${app.url}${path}`), await get(`${app.url}${path}`)];
      // Next.js marks what its router answered with its own Vary; the lane does not.
      expect(String(throughNext.headers.vary), path).toMatch(/\brsc\b/);
      expect(direct.headers.vary, path).toBeUndefined();
      const seen = (answer: Answer) => [answer.status, answer.headers["content-type"], answer.headers["cache-control"], answer.body];
      expect(seen(direct), path).toEqual(seen(throughNext));
    }
  });

  it("sends a cached listing gzipped as it is only through the lane (Next.js drops a route's Content-Encoding)", async () => {
    const ref = encodeURIComponent(inject("fixtures").fs.ref);
    const image = (await (await fetch(`${app.url}/api/v1/image?ref=${ref}`)).json()) as { layers: { digest: string }[] };
    await (await fetch(`${app.url}/api/v1/fs?ref=${ref}`)).arrayBuffer(); // lists the layers; the layer route is not loaded yet
    const digest = image.layers[0]?.digest as string;
    const gzippedName = createHash("sha256").update(gzippedIndexKey(digest)).digest("hex");
    await expect.poll(() => readdirSync(app.cacheDir).some((name) => name.startsWith(gzippedName))).toBe(true);
    const url = `${app.url}/api/v1/layer?ref=${ref}&digest=${digest}`;
    const [throughNext, direct] = [await rawGet(url), await rawGet(url)];
    expect([throughNext.headers["content-encoding"], direct.headers["content-encoding"]]).toEqual([undefined, "gzip"]);
    const readable = (answer: RawAnswer) => (answer.headers["content-encoding"] === "gzip" ? gunzipSync(answer.body) : answer.body).toString();
    expect(readable(throughNext)).toBe(readable(direct));
    expect(JSON.parse(readable(direct).trim().split("\n").at(-1) as string)).toMatchObject({ done: true });
  });
});
