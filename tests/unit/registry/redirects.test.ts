/** Redirects of a POST (the OAuth2 token exchange) follow fetch's rules: 307/308 repeat it, 301–303 become a GET. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideSettings } from "@/lib/config";
import { discard } from "@/lib/registry/http";
import { followRedirects } from "@/lib/registry/redirects";

let server: Server;
let base = "";
const arrived: { path: string; method: string; body: string }[] = [];

beforeAll(async () => {
  overrideSettings({ allowPrivateHosts: "all" });
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const path = request.url ?? "/";
      const hop = /^\/(\d{3})$/.exec(path);
      if (hop) return response.writeHead(Number(hop[1]), { location: "/landed" }).end();
      arrived.push({ path, method: request.method ?? "", body });
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe("followRedirects with a POST", () => {
  it.each([
    [307, "POST", "grant_type=refresh_token"],
    [308, "POST", "grant_type=refresh_token"],
    [303, "GET", ""],
    [302, "GET", ""],
  ])("a %i lands as a %s with body %j", async (status, method, body) => {
    arrived.length = 0;
    const response = await followRedirects(
      new URL(`${base}/${status}`),
      "POST",
      { "content-type": "application/x-www-form-urlencoded" },
      "grant_type=refresh_token",
    );
    discard(response);
    expect(arrived).toEqual([{ path: "/landed", method, body }]);
  });
});
