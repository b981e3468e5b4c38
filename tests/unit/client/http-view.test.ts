/** The browser's ImageView: each call is one request to the API endpoint that answers it, parameters as the routes read them. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { httpView } from "@/lib/client/http-view";
import { callView, type ViewCall } from "@/lib/core/image-view";

afterEach(() => vi.unstubAllGlobals());

describe("httpView", () => {
  it("asks each JSON call of the endpoint that answers it", async () => {
    const asked: string[] = [];
    vi.stubGlobal("fetch", async (url: string) => (asked.push(url), Response.json({ ok: true })));
    const view = httpView("r.example/app:1", "linux/arm64");
    const calls: ViewCall[] = [
      { method: "image", args: [] },
      { method: "fs", args: [null] },
      { method: "fs", args: [2] },
      { method: "changes", args: [1] },
      { method: "packages", args: [true] },
      { method: "directory", args: ["/etc", null, "size"] },
      { method: "search", args: ["*.conf", 0, 50] },
    ];
    for (const call of calls) expect(await callView(view, call)).toEqual({ ok: true });
    const ref = "ref=r.example%2Fapp%3A1";
    expect(asked).toEqual([
      `/api/v1/image?${ref}&platform=linux%2Farm64`,
      `/api/v1/fs?${ref}`,
      `/api/v1/fs?${ref}&upto=2`,
      `/api/v1/changes?${ref}&layer=1`,
      `/api/v1/packages?${ref}&files=1`,
      `/api/v1/dir?${ref}&path=%2Fetc&sort=size`,
      `/api/v1/search?${ref}&q=*.conf&upto=0&limit=50`,
    ]);
  });

  it("reads a part of a file, merged or as a layer has it", async () => {
    const asked: string[] = [];
    vi.stubGlobal(
      "fetch",
      async (url: string) => (asked.push(url), new Response("abc", { status: 206, headers: { "content-range": "bytes 4-6/10" } })),
    );
    const part = await httpView("r.example/app:1", null).filePart({ path: "/a b", layer: "sha256:1" }, 4, 3);
    expect([new TextDecoder().decode(part.bytes), part.size]).toEqual(["abc", 10]);
    expect(asked).toEqual(["/api/v1/file?ref=r.example%2Fapp%3A1&path=%2Fa+b&layer=sha256%3A1&offset=4&length=3"]);
  });
});
