import { afterEach, describe, expect, it, vi } from "vitest";
import {
  changesApiUrl,
  diffApiUrl,
  fileApiUrl,
  fsApiUrl,
  getJson,
  imageApiUrl,
  layerApiUrl,
  layerEntries,
  readFilePart,
  sessionApiUrl,
  signIn,
} from "@/lib/client/api";
import type { LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";

const digest = `sha256:${"a".repeat(64)}`;
const entry = (path: string): LayerEntry => ({ path, type: "file", size: 1, mode: 0o644, uid: 0, gid: 0, mtime: 0 });

/** Stubs fetch for one test with a function from URL to response; returns the stub to inspect calls. */
function serve(respond: (url: string, init?: RequestInit) => Response | Promise<Response>) {
  const stub = vi.fn(async (url: string, init?: RequestInit) => respond(url, init));
  vi.stubGlobal("fetch", stub);
  return stub;
}

/** A body that arrives in the given pieces, as a server streams it. */
function streamed(pieces: string[]): Response {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of pieces) controller.enqueue(encoder.encode(piece));
        controller.close();
      },
    }),
    { headers: { "content-type": "application/x-ndjson" } },
  );
}

/** What a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<PortholeError> {
  const error = await promise.then(
    () => expect.fail("expected a rejection"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PortholeError);
  return error as PortholeError;
}

async function collect(entries: AsyncGenerator<LayerEntry>): Promise<string[]> {
  const paths: string[] = [];
  for await (const e of entries) paths.push(e.path);
  return paths;
}

afterEach(() => vi.unstubAllGlobals());

describe("API URLs", () => {
  it("encode every parameter", () => {
    expect(imageApiUrl("127.0.0.1:5000/a/b:v1", "linux/arm64/v8")).toBe(
      "/api/v1/image?ref=127.0.0.1%3A5000%2Fa%2Fb%3Av1&platform=linux%2Farm64%2Fv8",
    );
    expect(fileApiUrl(`r@${digest}`, "/odd/a#b?c%d e&f.txt")).toBe(
      `/api/v1/file?ref=r%40${digest.replace(":", "%3A")}&path=%2Fodd%2Fa%23b%3Fc%25d+e%26f.txt`,
    );
    const parsed = new URL(fileApiUrl("r", "/odd/häßlich ☃.txt"), "http://porthole.test");
    expect(parsed.searchParams.get("path")).toBe("/odd/häßlich ☃.txt");
  });

  it("leave out parameters that are null or not given", () => {
    expect(imageApiUrl("alpine", null)).toBe("/api/v1/image?ref=alpine");
    expect(fsApiUrl("alpine")).toBe("/api/v1/fs?ref=alpine");
    expect(fileApiUrl("alpine", "/etc/os-release")).toBe("/api/v1/file?ref=alpine&path=%2Fetc%2Fos-release");
    expect(sessionApiUrl()).toBe("/api/v1/session");
  });

  it("name both sides of a comparison, each with its own platform", () => {
    expect(diffApiUrl("alpine:3.19", "alpine:3.20", null, null)).toBe("/api/v1/diff?a=alpine%3A3.19&b=alpine%3A3.20");
    expect(diffApiUrl("a", `b@${digest}`, "linux/arm64/v8", "linux/amd64")).toBe(
      `/api/v1/diff?a=a&b=b%40${digest.replace(":", "%3A")}&platformA=linux%2Farm64%2Fv8&platformB=linux%2Famd64`,
    );
  });

  it("write the optional parameters the endpoints expect", () => {
    expect(fsApiUrl("alpine", 0)).toBe("/api/v1/fs?ref=alpine&upto=0");
    expect(changesApiUrl("alpine", 2)).toBe("/api/v1/changes?ref=alpine&layer=2");
    expect(layerApiUrl("alpine", digest)).toBe(`/api/v1/layer?ref=alpine&digest=${encodeURIComponent(digest)}`);
    expect(fileApiUrl("alpine", "/x", { layer: digest, download: true })).toBe(
      `/api/v1/file?ref=alpine&path=%2Fx&layer=${encodeURIComponent(digest)}&download=1`,
    );
    expect(sessionApiUrl("ghcr.io")).toBe("/api/v1/session?registry=ghcr.io");
  });
});

describe("requests", () => {
  it("return the JSON of a 2xx answer", async () => {
    const stub = serve(() => Response.json({ digest }));
    expect(await getJson(imageApiUrl("alpine", null))).toEqual({ digest });
    expect(stub).toHaveBeenCalledWith("/api/v1/image?ref=alpine", {});
  });

  it("throw the server's typed error with its code, status, message and retryAfter", async () => {
    serve(() => Response.json({ error: { code: "RATE_LIMITED", message: "slow down", retryAfter: 30 } }, { status: 429 }));
    const error = await rejection(getJson("/api/v1/image?ref=alpine"));
    expect([error.code, error.status, error.message, error.retryAfter]).toEqual(["RATE_LIMITED", 429, "slow down", 30]);
  });

  it("keep a typed error's extra fields", async () => {
    serve(() => Response.json({ error: { code: "BAD_REQUEST", message: "a symlink", linkname: "/target" } }, { status: 400 }));
    const error = await rejection(getJson("/api/v1/file?ref=a&path=/l"));
    expect(error.details).toEqual({ linkname: "/target" });
  });

  it("turn a proxy's HTML 502 page into an UPSTREAM_UNAVAILABLE error naming the status", async () => {
    serve(() => new Response("<html><body>Bad Gateway</body></html>", { status: 502, headers: { "content-type": "text/html" } }));
    const error = await rejection(getJson("/api/v1/fs?ref=a"));
    expect([error.code, error.status]).toEqual(["UPSTREAM_UNAVAILABLE", 502]);
    expect(error.message).toContain("502");
  });

  it("turn a network failure into UPSTREAM_UNAVAILABLE with a message for people", async () => {
    serve(() => Promise.reject(new TypeError("Failed to fetch")));
    const error = await rejection(getJson("/api/v1/image?ref=a"));
    expect(error.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(error.message).toMatch(/could not be reached/);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it("turn a 200 that is not JSON into UPSTREAM_INVALID", async () => {
    serve(() => new Response("<html>", { status: 200 }));
    expect((await rejection(getJson("/api/v1/image?ref=a"))).code).toBe("UPSTREAM_INVALID");
  });

  it("leave an abort the caller asked for as an abort", async () => {
    serve((_, init) => Promise.reject(init?.signal?.reason));
    const controller = new AbortController();
    controller.abort();
    const error = await readFilePart("/api/v1/file?ref=a&path=/x", 0, 10, controller.signal).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(PortholeError);
    expect((error as Error).name).toBe("AbortError");
  });

  it("sign in with one JSON POST, and throw the registry's refusal as a typed error", async () => {
    const stub = serve(() => Response.json({ error: { code: "UNAUTHORIZED", message: "the registry rejected the credentials" } }, { status: 401 }));
    const error = await rejection(signIn("ghcr.io", "me", "secret"));
    expect([error.code, error.message]).toEqual(["UNAUTHORIZED", "the registry rejected the credentials"]);
    const [url, init] = stub.mock.calls[0] as [string, RequestInit];
    expect([url, init.method, JSON.parse(init.body as string)]).toEqual([
      "/api/v1/session",
      "POST",
      { registry: "ghcr.io", username: "me", password: "secret" },
    ]);
  });
});

describe("file parts", () => {
  it("ask the server for one part and learn the whole file's size from Content-Range", async () => {
    const stub = serve(() => new Response("abcdef", { status: 206, headers: { "content-range": "bytes 0-5/400" } }));
    const head = await readFilePart("/api/v1/file?ref=a&path=/f", 0, 6, new AbortController().signal);
    expect([new TextDecoder().decode(head.bytes), head.size]).toEqual(["abcdef", 400]);
    expect(stub.mock.calls[0]?.[0]).toBe("/api/v1/file?ref=a&path=/f&offset=0&length=6");
    const part = await readFilePart("/api/v1/file?ref=a&path=/f", 394, 6, new AbortController().signal);
    expect(part.size).toBe(400);
    expect(stub.mock.calls[1]?.[0]).toBe("/api/v1/file?ref=a&path=/f&offset=394&length=6");
  });

  it("read no more than asked for from a server that sends more, and stop its download", async () => {
    let pulls = 0;
    let cancelled = false;
    const long = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        if (pulls > 100) controller.close();
        else controller.enqueue(new TextEncoder().encode("abcd"));
      },
      cancel() {
        cancelled = true;
      },
    });
    serve(() => new Response(long));
    const head = await readFilePart("/f?p", 0, 6, new AbortController().signal);
    expect([new TextDecoder().decode(head.bytes), head.size > head.bytes.length, cancelled]).toEqual(["abcdab", true, true]);
    expect(pulls).toBeLessThan(5);
  });

  it("read a small file whole (an empty file's answer is a 200)", async () => {
    serve(() => streamed(["abc", "de"]));
    const head = await readFilePart("/f?p", 0, 6, new AbortController().signal);
    expect([new TextDecoder().decode(head.bytes), head.size]).toEqual(["abcde", 5]);
  });
});

describe("layer listings", () => {
  const line = (value: unknown) => `${JSON.stringify(value)}\n`;

  it("yield the entries, lines split across chunks included, up to done", async () => {
    const stub = serve(() => {
      const text = line(entry("/a")) + line(entry("/b/c")) + line({ done: true, entries: 2 });
      return streamed([text.slice(0, 7), text.slice(7, 60), text.slice(60)]);
    });
    expect(await collect(layerEntries("alpine", digest))).toEqual(["/a", "/b/c"]);
    expect(stub.mock.calls[0]?.[0]).toBe(layerApiUrl("alpine", digest));
  });

  it('throw the typed error of an {"error":…} line, after the entries before it', async () => {
    serve(() => streamed([line(entry("/a")), line({ error: { code: "UPSTREAM_TIMEOUT", message: "the registry stalled" } })]));
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const e of layerEntries("alpine", digest)) seen.push(e.path);
      })(),
    );
    expect(seen).toEqual(["/a"]);
    expect([error.code, error.status, error.message]).toEqual(["UPSTREAM_TIMEOUT", 504, "the registry stalled"]);
  });

  it("throw when the listing ends without done, even midway through a line", async () => {
    serve(() => streamed([line(entry("/a")), line(entry("/b")).slice(0, 10)]));
    const error = await rejection(collect(layerEntries("alpine", digest)));
    expect(error.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(error.message).toMatch(/cut off/);
  });

  it("throw UPSTREAM_UNAVAILABLE when the connection drops midway", async () => {
    serve(() => {
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(line(entry("/a"))));
          controller.error(new TypeError("network error"));
        },
      });
      return new Response(body);
    });
    const error = await rejection(collect(layerEntries("alpine", digest)));
    expect([error.code, error.message]).toEqual([
      "UPSTREAM_UNAVAILABLE",
      "Porthole's server could not be reached. Check your connection and try again.",
    ]);
  });

  it("throw the typed error of a failure before the listing starts", async () => {
    serve(() => Response.json({ error: { code: "NOT_FOUND", message: "no such layer" } }, { status: 404 }));
    const error = await rejection(collect(layerEntries("alpine", digest)));
    expect([error.code, error.message]).toEqual(["NOT_FOUND", "no such layer"]);
  });

  it("throw UPSTREAM_INVALID for a line that is not JSON", async () => {
    serve(() => streamed([line(entry("/a")), "<html>\n"]));
    expect((await rejection(collect(layerEntries("alpine", digest)))).code).toBe("UPSTREAM_INVALID");
  });
});
