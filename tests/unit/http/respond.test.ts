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
  it("lets shared caches keep only digest-addressed answers of public images", () => {
    expect(cacheControl(true, true)).toBe("public, max-age=31536000, immutable");
    expect(cacheControl(true, false)).toBe("private, max-age=31536000, immutable");
    expect(cacheControl(false, true)).toBe("private, no-cache");
  });
});
