import { afterEach, describe, expect, it, vi } from "vitest";
import { PortholeError } from "@/lib/core/errors";
import { cacheControl, errorResponse, handle, Query } from "@/lib/http/respond";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const request = (search: string) => new Request(`http://porthole.test/api/v1/x?${search}`);

afterEach(() => vi.restoreAllMocks());

describe("errorResponse", () => {
  it("maps a PortholeError to its status and the JSON error shape, with Retry-After for rate limits", async () => {
    const response = errorResponse(new PortholeError("RATE_LIMITED", "slow down", { retryAfter: 42 }));
    expect(response.status).toBe(429);
    expect(response.headers.get("Retry-After")).toBe("42");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toEqual({ error: { code: "RATE_LIMITED", message: "slow down", retryAfter: 42 } });
  });

  it("keeps extra details a client acts on (a symlink's linkname)", async () => {
    const response = errorResponse(new PortholeError("CONFLICT", "a link", { details: { linkname: "/target" } }));
    expect(response.status).toBe(409);
    expect((await response.json()).error.linkname).toBe("/target");
  });

  it("hides what a bug threw behind a 500 INTERNAL, and logs it", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = errorResponse(new TypeError("secret internals"));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: "INTERNAL", message: "Internal error" } });
    expect(logged).toHaveBeenCalled();
  });
});

describe("Query", () => {
  it("requires parameters, naming the missing one", () => {
    expect(() => new Query(request("")).require("ref")).toThrow("the ref parameter is required");
    expect(new Query(request("ref=alpine")).require("ref")).toBe("alpine");
  });

  it("reads layer indexes, refusing anything but a whole number", () => {
    expect(new Query(request("layer=3")).layerIndex("layer")).toBe(3);
    expect(new Query(request("")).layerIndexIfGiven("upto")).toBeNull();
    for (const bad of ["-1", "1.5", "x", "", " 2"]) {
      expect(() => new Query(request(`upto=${encodeURIComponent(bad)}`)).layerIndexIfGiven("upto"), bad).toThrow(/must be a layer index|is required/);
    }
  });

  it("reads digests, refusing malformed ones with the fault named", () => {
    expect(new Query(request(`digest=${DIGEST}`)).digest("digest")).toBe(DIGEST);
    expect(new Query(request("")).digestIfGiven("layer")).toBeNull();
    expect(() => new Query(request("layer=sha256:abc")).digestIfGiven("layer")).toThrow(/64 hex characters/);
  });
});

describe("handle", () => {
  it("turns a thrown error into its response, so route handlers only parse, call and return", async () => {
    const response = await handle(request(""), async (query) => Response.json({ ref: query.require("ref") }));
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("BAD_REQUEST");
  });

  it("passes a good answer through with its body whole", async () => {
    const response = await handle(request("ref=a"), async (query) => Response.json({ ref: query.require("ref") }, { headers: { "X-Test": "1" } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Test")).toBe("1");
    expect(await response.json()).toEqual({ ref: "a" });
  });
});

describe("cacheControl", () => {
  it("lets anyone keep an anonymous digest-addressed answer for good, an anonymous tag's for a minute, and nothing read with credentials", () => {
    expect(cacheControl(true, true)).toBe("public, max-age=31536000, immutable");
    expect(cacheControl(false, true)).toBe("public, max-age=60");
    expect(cacheControl(true, false)).toBe("private, no-store");
    expect(cacheControl(false, false)).toBe("private, no-store");
  });
});

describe("revalidation of immutable public answers", () => {
  const pinned = "http://porthole.test/api/v1/fs?ref=r%40sha256%3Aab&platform=linux%2Farm64";
  const answer = (cache: string) => async () => Response.json({ files: [] }, { headers: { "Cache-Control": cache, Vary: "Accept-Encoding" } });

  it("names the answer by Porthole's version and the parameters asked, in any order, with a weak ETag", async () => {
    const first = await handle(new Request(pinned), answer(cacheControl(true, true)));
    const reordered = await handle(
      new Request("http://porthole.test/api/v1/fs?platform=linux%2Farm64&ref=r%40sha256%3Aab"),
      answer(cacheControl(true, true)),
    );
    const other = await handle(new Request("http://porthole.test/api/v1/fs?ref=r%40sha256%3Acd"), answer(cacheControl(true, true)));
    expect(first.headers.get("ETag")).toMatch(/^W\/"[\w-]{32}"$/);
    expect(reordered.headers.get("ETag")).toBe(first.headers.get("ETag"));
    expect(other.headers.get("ETag")).not.toBe(first.headers.get("ETag"));
  });

  it("answers a matching If-None-Match with a bodiless 304 that keeps the caching headers", async () => {
    const etag = (await handle(new Request(pinned), answer(cacheControl(true, true)))).headers.get("ETag") as string;
    const again = await handle(new Request(pinned, { headers: { "If-None-Match": `"other", ${etag}` } }), answer(cacheControl(true, true)));
    expect(again.status).toBe(304);
    expect(again.headers.get("ETag")).toBe(etag);
    expect(again.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(again.headers.get("Vary")).toBe("Accept-Encoding");
    expect(await again.text()).toBe("");
  });

  it("gives no ETag to what may change or was read with credentials, nor to errors", async () => {
    for (const cache of [cacheControl(false, true), cacheControl(true, false)]) {
      const response = await handle(new Request(pinned, { headers: { "If-None-Match": "*" } }), answer(cache));
      expect([response.status, response.headers.get("ETag")], cache).toEqual([200, null]);
    }
    const failed = await handle(new Request(pinned), async () => {
      throw new PortholeError("NOT_FOUND", "no such image");
    });
    expect([failed.status, failed.headers.get("ETag")]).toEqual([404, null]);
  });
});
