/**
 * Faults a real registry does not produce on demand (429s, 5xx, redirects to another host, stalls,
 * oversized bodies), from in-process fake servers on loopback.
 */
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openBlob } from "@/lib/registry/blob";
import { resolveImage } from "@/lib/registry/image";
import { resetAuthCache } from "@/lib/registry/transport";
import { PortholeError } from "@/lib/core/errors";
import { overrideSettings, resetSettings } from "@/lib/config";

const servers: Server[] = [];
async function fake(handler: RequestListener, host = "127.0.0.1"): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return `${host}:${(server.address() as AddressInfo).port}`;
}

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
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => (s.closeAllConnections(), s.close(resolve)))));
});

describe("transport faults", () => {
  it("retries a 503 and a short 429 Retry-After, then succeeds", async () => {
    let calls = 0;
    const host = await fake((req, res) => {
      if (req.url === "/v2/") return res.end("{}");
      calls++;
      if (calls === 1) return res.writeHead(503).end();
      if (calls === 2) return res.writeHead(429, { "retry-after": "1" }).end();
      res.end("blob bytes");
    });
    const started = Date.now();
    const { body } = await openBlob({ registry: host, repository: "r" }, DIGEST);
    expect(Buffer.concat(await body.toArray()).toString()).toBe("blob bytes");
    expect(calls).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("passes a long Retry-After on to the user as a 429 instead of waiting it out", async () => {
    const host = await fake((req, res) => (req.url === "/v2/" ? res.end("{}") : res.writeHead(429, { "retry-after": "120" }).end()));
    const started = Date.now();
    const error = await failure(resolveImage(`${host}/r:v1`));
    expect(error.status).toBe(429);
    expect(error.retryAfter).toBe(120);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("gives up on a registry that keeps failing with 502", async () => {
    let calls = 0;
    const host = await fake((req, res) => (req.url === "/v2/" ? res.end("{}") : (calls++, res.writeHead(500).end())));
    const error = await failure(resolveImage(`${host}/r:v1`));
    expect(error.status).toBe(502);
    expect(calls).toBe(4);
  });

  it("never sends Authorization to the host a blob GET redirects to", async () => {
    let seenAtCdn: IncomingHttpHeaders | null = null;
    const cdn = await fake((req, res) => {
      seenAtCdn = req.headers;
      res.end("from the cdn");
    }, "127.0.0.2");
    let seenAtRegistry: IncomingHttpHeaders | null = null;
    const registry = await fake((req, res) => {
      if (req.url === "/v2/") return res.writeHead(401, { "www-authenticate": 'Basic realm="r"' }).end();
      seenAtRegistry = req.headers;
      res.writeHead(307, { location: `http://${cdn}/blobs/x?sig=1` }).end();
    });
    const { body } = await openBlob({ registry, repository: "r" }, DIGEST, { credentials });
    expect(Buffer.concat(await body.toArray()).toString()).toBe("from the cdn");
    expect(seenAtRegistry!.authorization).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
    expect(seenAtCdn).not.toBeNull();
    expect(seenAtCdn!.authorization).toBeUndefined();
  });

  it("checks every redirect hop against the private-host gate", async () => {
    let cdnHits = 0;
    const cdn = await fake((req, res) => (cdnHits++, res.end("secret")), "127.0.0.2");
    const registry = await fake((req, res) => (req.url === "/v2/" ? res.end("{}") : res.writeHead(302, { location: `http://${cdn}/x` }).end()));
    overrideSettings({ allowPrivateHosts: [registry] }); // the registry itself, not where it redirects
    const error = await failure(openBlob({ registry, repository: "r" }, DIGEST));
    expect(error.code).toBe("HOST_NOT_ALLOWED");
    expect(cdnHits).toBe(0);
  });

  it("checks the token realm against the private-host gate too", async () => {
    let realmHits = 0;
    const realm = await fake((req, res) => (realmHits++, res.end('{"token":"t"}')), "127.0.0.2");
    const registry = await fake((req, res) => res.writeHead(401, { "www-authenticate": `Bearer realm="http://${realm}/token",service="s"` }).end());
    overrideSettings({ allowPrivateHosts: [registry] });
    const error = await failure(resolveImage(`${registry}/r:v1`));
    expect(error.code).toBe("HOST_NOT_ALLOWED");
    expect(realmHits).toBe(0);
  });

  it("times out a registry that stops sending (504)", async () => {
    overrideSettings({ idleTimeoutMs: 300 });
    const host = await fake((req, res) => {
      if (req.url === "/v2/") return res.end("{}");
      res.writeHead(200, { "content-type": "application/vnd.oci.image.manifest.v1+json" });
      res.write("{"); // then nothing
    });
    const error = await failure(resolveImage(`${host}/r:v1`));
    expect(error.status).toBe(504);
  });

  it("times out a registry that trickles forever, though never idle long enough to trip the idle timeout", async () => {
    overrideSettings({ idleTimeoutMs: 300, totalTimeoutMs: 800 });
    const host = await fake((req, res) => {
      if (req.url === "/v2/") return res.end("{}");
      res.writeHead(200);
      const drip = setInterval(() => res.write("x"), 100);
      res.on("close", () => clearInterval(drip));
    });
    const { body } = await openBlob({ registry: host, repository: "r" }, DIGEST);
    const started = Date.now();
    const error = await failure(body.toArray());
    expect(error.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuses a manifest over 4 MiB with 413, without reading it all", async () => {
    const host = await fake((req, res) => {
      if (req.url === "/v2/" || req.method === "HEAD") return res.end();
      res.writeHead(200, { "content-length": String(50 * 1024 * 1024) });
      res.write(Buffer.alloc(1024));
    });
    const error = await failure(resolveImage(`${host}/r:v1`));
    expect(error.status).toBe(413);
  });

  it("reports a manifest whose bytes do not match the requested digest as 502", async () => {
    const host = await fake((req, res) => (req.url === "/v2/" ? res.end("{}") : res.end('{"schemaVersion":2,"manifests":[]}')));
    const error = await failure(resolveImage(`${host}/r@${DIGEST}`));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/digest mismatch/);
  });

  it("reports invalid JSON from the registry as 502", async () => {
    const host = await fake((req, res) => (req.url === "/v2/" ? res.end("{}") : res.end("<html>not json</html>")));
    expect((await failure(resolveImage(`${host}/r:v1`))).status).toBe(502);
  });

  it("refuses a token realm on plain HTTP at another host", async () => {
    const registry = await fake((req, res) =>
      res.writeHead(401, { "www-authenticate": 'Bearer realm="http://auth.example.com/token",service="s"' }).end(),
    );
    const error = await failure(resolveImage(`${registry}/r:v1`));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/not HTTPS/);
  });
});
