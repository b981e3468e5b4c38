/**
 * The direct lane: route handlers called by the front door without Next.js's router must answer
 * exactly as through Next.js (status, headers, cookies, bytes), compress what Next.js would, keep an
 * NDJSON stream's lines flowing, and stop a route's body when its client goes away.
 */
import { readFileSync, readdirSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { directHandler, serveDirect, serveDirectly } from "@/lib/http/direct-lane";

type Handler = (request: Request) => Response | Promise<Response>;

let server: Server | null = null;
afterEach(() => {
  server?.close();
  server = null;
  vi.restoreAllMocks();
});

/** A server answering every request through the lane with `handler`, stamped as the front door does; its base URL. */
async function serving(handler: Handler): Promise<string> {
  server = createServer((request, response) => {
    request.headers["x-porthole-client"] = request.socket.remoteAddress ?? "unknown";
    void serveDirect(request, response, handler);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A GET with raw access to what came back: no decompression, headers as sent. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ response: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ response, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

const bigAnswer = { files: Array.from({ length: 200 }, (_, i) => ({ path: `/usr/lib/file-${i}`, size: i })) };

describe("the direct lane", () => {
  it("hands the route the request as Next.js would: its URL, query and headers", async () => {
    let seen: Request | null = null;
    const url = await serving((request) => {
      seen = request;
      return Response.json({ ok: true });
    });
    await get(`${url}/api/v1/image?ref=alpine%3A3.19`, { authorization: "Basic eDp5", "x-porthole-client": "198.51.100.7" });
    const asked = seen as unknown as Request;
    expect(new URL(asked.url).pathname).toBe("/api/v1/image");
    expect(new URL(asked.url).searchParams.get("ref")).toBe("alpine:3.19");
    expect(asked.headers.get("authorization")).toBe("Basic eDp5");
    // The front door's stamp of who asks, never the address the client claimed.
    expect(asked.headers.get("x-porthole-client")).toBe("127.0.0.1");
  });

  it("sends status, headers, every Set-Cookie and the body, with its length", async () => {
    const url = await serving(() => {
      const headers = new Headers({ "Cache-Control": "no-store", "Content-Type": "application/json" });
      headers.append("Set-Cookie", "a=1; HttpOnly");
      headers.append("Set-Cookie", "b=2; HttpOnly");
      return new Response('{"error":{"code":"NOT_FOUND"}}', { status: 404, headers });
    });
    const { response, body } = await get(`${url}/x`);
    expect(response.statusCode).toBe(404);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers["set-cookie"]).toEqual(["a=1; HttpOnly", "b=2; HttpOnly"]);
    expect(response.headers["content-length"]).toBe(String(body.length));
    expect(body.toString()).toBe('{"error":{"code":"NOT_FOUND"}}');
  });

  it("gzips JSON of 1 KiB and more for clients that take it, and nothing else", async () => {
    const url = await serving((request) => Response.json(new URL(request.url).pathname === "/big" ? bigAnswer : { small: true }));
    const big = await get(`${url}/big`, { "accept-encoding": "gzip, deflate, br" });
    expect(big.response.headers["content-encoding"]).toBe("gzip");
    expect(big.response.headers.vary).toMatch(/Accept-Encoding/);
    expect(JSON.parse(gunzipSync(big.body).toString())).toEqual(bigAnswer);
    const again = await get(`${url}/big`, { "accept-encoding": "gzip" });
    expect(again.body.equals(big.body)).toBe(true);
    const plain = await get(`${url}/big`);
    expect(plain.response.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(plain.body.toString())).toEqual(bigAnswer);
    const small = await get(`${url}/small`, { "accept-encoding": "gzip" });
    expect([small.response.headers["content-encoding"], small.body.toString()]).toEqual([undefined, '{"small":true}']);
  });

  it("passes file bytes on as they are, never compressed (a 206 keeps its Content-Range)", async () => {
    const bytes = Buffer.alloc(64 * 1024, 7);
    const url = await serving(
      () =>
        new Response(new Uint8Array(bytes.subarray(0, 4096)), {
          status: 206,
          headers: { "Content-Type": "text/plain", "Content-Range": `bytes 0-4095/${bytes.length}` },
        }),
    );
    const { response, body } = await get(`${url}/api/v1/file`, { "accept-encoding": "gzip" });
    expect([response.statusCode, response.headers["content-encoding"], response.headers["content-range"]]).toEqual([
      206,
      undefined,
      "bytes 0-4095/65536",
    ]);
    expect(body.equals(bytes.subarray(0, 4096))).toBe(true);
  });

  it("delivers each line of a gzipped NDJSON stream as it is made, not when the stream ends", async () => {
    let finish: () => void = () => {};
    const url = await serving(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"path":"/etc"}\n'));
              finish = () => {
                controller.enqueue(new TextEncoder().encode('{"done":true}\n'));
                controller.close();
              };
            },
          }),
          { headers: { "Content-Type": "application/x-ndjson; charset=utf-8" } },
        ),
    );
    const firstLine = await new Promise<string>((resolve, reject) => {
      httpRequest(`${url}/api/v1/layer`, { headers: { "accept-encoding": "gzip" }, agent: false }, (response) => {
        expect(response.headers["content-encoding"]).toBe("gzip");
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          const sofar = gunzipSync(Buffer.concat(chunks), { finishFlush: 2 /* Z_SYNC_FLUSH: a stream not yet ended */ }).toString();
          if (sofar.endsWith("\n")) resolve(sofar);
        });
        response.on("error", reject);
      })
        .on("error", reject)
        .end();
    });
    expect(firstLine).toBe('{"path":"/etc"}\n');
    finish();
  });

  it("cancels the route's body when the client goes away", async () => {
    const cancelled = new Promise<string>((resolve) => {
      void serving(
        () =>
          new Response(
            new ReadableStream({
              pull(controller) {
                controller.enqueue(new Uint8Array(16 * 1024));
                return new Promise((next) => setTimeout(next, 5));
              },
              cancel: () => resolve("cancelled"),
            }),
            { headers: { "Content-Type": "application/octet-stream" } },
          ),
      ).then((url) => {
        const request = httpRequest(`${url}/api/v1/file`, { agent: false }, (response) => response.once("data", () => request.destroy()));
        request.on("error", () => undefined).end();
      });
    });
    expect(await cancelled).toBe("cancelled");
  });

  it("answers a route that throws with the API's JSON error shape", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const url = await serving(() => {
      throw new Error("boom");
    });
    const { response, body } = await get(`${url}/api/v1/fs`);
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(body.toString())).toMatchObject({ error: { code: "INTERNAL" } });
  });

  it("takes only GETs of the exact paths registered", () => {
    const handler = () => Response.json({});
    serveDirectly("/api/v1/lane-test", handler);
    const asking = (method: string, url: string) => ({ method, url }) as IncomingMessage;
    expect(directHandler(asking("GET", "/api/v1/lane-test?ref=a"))).toBe(handler);
    expect(directHandler(asking("POST", "/api/v1/lane-test"))).toBeUndefined();
    expect(directHandler(asking("GET", "/api/v1/lane-test/"))).toBeUndefined();
    expect(directHandler(asking("GET", "/api/v1/nope"))).toBeUndefined();
  });
});

describe("every API route with a GET is in the lane, under its own path", () => {
  const root = join(import.meta.dirname, "..", "..", "..");
  const routes = readdirSync(join(root, "app", "api"), { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith("route.ts") && !path.includes("["))
    .map((path) => ({ path: `/api/${path.replace(/\/?route\.ts$/, "")}`, source: readFileSync(join(root, "app", "api", path), "utf8") }));

  it.each(routes.map((route) => [route.path, route.source]))("%s", (path, source) => {
    expect(source).toMatch(/export function GET\(/);
    expect(source.match(/serveDirectly\("([^"]+)", GET\)/)?.[1]).toBe(path);
  });
});
