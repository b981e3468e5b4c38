import { createHash } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { GET as changesGET } from "@/app/api/v1/changes/route";
import { GET as fileGET } from "@/app/api/v1/file/route";
import { GET as fsGET } from "@/app/api/v1/fs/route";
import { GET as layerGET } from "@/app/api/v1/layer/route";
import type { ChangesResponse, FsResponse, LayerEntry } from "@/lib/core/api-types";
import { SPECS } from "@/tests/world/fixtures";
import { overrideSettings, settings } from "@/lib/config";

const fixtures = inject("fixtures");
const fsFixture = fixtures.fs;
const fsImage = fsFixture.images[0]!;

function call(handler: (request: Request) => Promise<Response>, endpoint: string, params: Record<string, string>): Promise<Response> {
  const url = new URL(`http://porthole.test/api/v1/${endpoint}`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return handler(new Request(url));
}

const sha256 = (bytes: string | Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

async function ndjson(response: Response): Promise<unknown[]> {
  return (await response.text())
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

beforeAll(() => {
  overrideSettings({ allowPrivateHosts: "all" });
});

describe("GET /api/v1/layer", () => {
  it("streams one entry per line in tar order, whiteout markers flagged, then done with the count", async () => {
    const response = await call(layerGET, "layer", { ref: fsFixture.ref, digest: fsImage.layers[1]!.digest });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/x-ndjson/);
    const lines = await ndjson(response);
    const entries = lines.slice(0, -1) as LayerEntry[];
    expect(lines.at(-1)).toEqual({ done: true, entries: SPECS.fs.layers[1]!.entries.length });
    expect(entries.map((e) => e.path)).toEqual([
      "/etc/group",
      "/olddir",
      "/opq",
      "/opq/upper1",
      "/opq",
      "/swapfile",
      "/swapfile/inside",
      "/swapdir",
      "/dup.txt",
      "/dup.txt",
      "/deleteme.txt",
    ]);
    expect(entries[0]).toMatchObject({ whiteout: true });
    expect(entries[4]).toMatchObject({ opaque: true });
    expect(entries[7]).toMatchObject({ type: "symlink", linkname: "/etc" });
  });

  it("gives every regular file the sha256 of its bytes, streamed and cached alike", async () => {
    const listing = async () =>
      (await ndjson(await call(layerGET, "layer", { ref: fsFixture.ref, digest: fsImage.layers[0]!.digest }))).slice(0, -1) as LayerEntry[];
    const entries = await listing();
    const expected = SPECS.fs.layers[0]!.entries.flatMap((spec) =>
      "content" in spec && spec.content !== undefined ? [[`/${spec.name}`, sha256(spec.content)]] : [],
    );
    expect(entries.filter((e) => e.digest !== undefined).map((e) => [e.path, e.digest])).toEqual(expected);
    expect(entries.find((e) => e.path === "/data/original")?.digest).toBe(sha256("the original bytes\n"));
    expect(await listing()).toEqual(entries);
  });

  it("lets shared caches keep a public layer's listing forever (it is addressed by digest)", async () => {
    const response = await call(layerGET, "layer", { ref: fsFixture.ref, digest: fsImage.layers[0]!.digest });
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    await response.body?.cancel();
  });

  it("answers 400 for a malformed digest and 404 for a blob the repository lacks, before streaming", async () => {
    expect((await call(layerGET, "layer", { ref: fsFixture.ref, digest: "sha256:abc" })).status).toBe(400);
    expect((await call(layerGET, "layer", { ref: fsFixture.ref, digest: `sha256:${"e".repeat(64)}` })).status).toBe(404);
  });

  const corruptLayers = fixtures.corrupt.images[0]!.layers;

  it("answers 502 for a layer that is corrupt from its first bytes", async () => {
    const response = await call(layerGET, "layer", { ref: fixtures.corrupt.ref, digest: corruptLayers[1]!.digest });
    expect(response.status).toBe(502);
    expect((await response.json()).error.code).toBe("UPSTREAM_INVALID");
  });

  it("ends a layer that breaks midway with an error line after its entries, never a done line", async () => {
    const response = await call(layerGET, "layer", { ref: fixtures.corrupt.ref, digest: corruptLayers[2]!.digest });
    expect(response.status).toBe(200);
    const lines = (await ndjson(response)) as { path?: string; done?: boolean; error?: { code: string } }[];
    expect(lines.filter((line) => line.path).length).toBeGreaterThan(10);
    expect(lines.at(-1)?.error?.code).toBe("UPSTREAM_INVALID");
    expect(lines.some((line) => line.done)).toBe(false);
  });
});

describe("GET /api/v1/fs on the merge fixture", () => {
  let fs: FsResponse;
  beforeAll(async () => {
    const response = await call(fsGET, "fs", { ref: fsFixture.ref });
    expect(response.status).toBe(200);
    fs = (await response.json()) as FsResponse;
  });
  const file = (path: string) => fs.files.find((f) => f.path === path);

  it("applies whiteouts, opaque dirs, type swaps and last-wins as a runtime would", () => {
    for (const gone of ["/etc/group", "/olddir", "/olddir/sub/b", "/opq/lower1", "/opq/lower2", "/swapdir/child", "/deleteme.txt"])
      expect(file(gone), gone).toBeUndefined();
    expect(file("/opq/upper1")?.layer).toBe(1);
    expect(file("/swapfile")).toMatchObject({ type: "dir", layer: 1 });
    expect(file("/swapdir")).toMatchObject({ type: "symlink", linkname: "/etc", layer: 1 });
    expect(file("/dup.txt")).toMatchObject({ size: "second wins\n".length, layer: 1 });
    expect(file("/implied/parent")).toMatchObject({ type: "dir", layer: 2 });
    expect(file("/etc/passwd")?.layer).toBe(0);
  });

  it("gives files their content digest, and a hardlink its target's in a lower layer", () => {
    expect(file("/data/link")).toMatchObject({ type: "hardlink", layer: 2, digest: sha256("the original bytes\n") });
    expect(file("/dup.txt")?.digest).toBe(sha256("second wins\n"));
    expect(file("/etc/passwd")?.digest).toBe(sha256("root:x:0:0:root:/root:/bin/sh\n"));
    expect(file("/etc")?.digest).toBeUndefined();
    expect(file("/swapdir")?.digest).toBeUndefined();
  });

  it("summarises each layer's added, modified and removed paths", () => {
    expect(fs.digest).toBe(fsFixture.digest);
    expect(fs.layers.map((l) => l.digest)).toEqual(fsImage.layers.map((l) => l.digest));
    expect(fs.layers[1]).toMatchObject({ index: 1, entries: SPECS.fs.layers[1]!.entries.length, removed: 9 });
    expect(fs.reclaimableBytes).toBeGreaterThan(0);
  });

  it("lists the changes of a layer, every removed path included", async () => {
    const response = await call(changesGET, "changes", { ref: fsFixture.ref, layer: "1" });
    const { layer, changes } = (await response.json()) as ChangesResponse;
    expect(layer).toBe(1);
    expect(changes.filter((c) => c.change === "removed").map((c) => c.path)).toEqual([
      "/deleteme.txt",
      "/etc/group",
      "/olddir",
      "/olddir/a",
      "/olddir/sub",
      "/olddir/sub/b",
      "/opq/lower1",
      "/opq/lower2",
      "/swapdir/child",
    ]);
    expect(changes).toContainEqual({ path: "/swapfile", change: "modified", type: "dir", size: 0 });
    expect(changes).toContainEqual({ path: "/dup.txt", change: "added", type: "file", size: 12 });
  });

  it("refuses with 413 a merged tree whose paths exceed the listing limit", async () => {
    const before = settings().maxListingBytes;
    overrideSettings({ maxListingBytes: 100 });
    try {
      const response = await call(fsGET, "fs", { ref: fsFixture.ref, upto: "1" });
      expect(response.status).toBe(413);
      expect((await response.json()).error.message).toMatch(/listing limit/);
    } finally {
      overrideSettings({ maxListingBytes: before });
    }
  });

  it("merges everything up to a layer with upto", async () => {
    const upTo0 = (await (await call(fsGET, "fs", { ref: fsFixture.ref, upto: "0" })).json()) as FsResponse;
    expect(upTo0.layers).toHaveLength(1);
    expect(upTo0.files.map((f) => f.path)).toContain("/etc/group");
    expect(upTo0.files.map((f) => f.path)).not.toContain("/dup.txt");
    expect((await call(fsGET, "fs", { ref: fsFixture.ref, upto: "7" })).status).toBe(404);
    expect((await call(fsGET, "fs", { ref: fsFixture.ref, upto: "-1" })).status).toBe(400);
  });

  it("answers 400 for a bad layer index and 404 past the last layer", async () => {
    expect((await call(changesGET, "changes", { ref: fsFixture.ref, layer: "x" })).status).toBe(400);
    expect((await call(changesGET, "changes", { ref: fsFixture.ref, layer: "3" })).status).toBe(404);
  });
});

describe("GET /api/v1/file", () => {
  const get = (params: Record<string, string>) => call(fileGET, "file", { ref: fsFixture.ref, ...params });

  it("serves a file of the merged view with safe headers and its length", async () => {
    const response = await get({ path: "/docs/readme.txt" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("Porthole fixture\nsecond line\nthird line\n");
    expect(response.headers.get("content-length")).toBe(String("Porthole fixture\nsecond line\nthird line\n".length));
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toMatch(/^sandbox/);
  });

  it("never serves HTML or SVG as such", async () => {
    for (const path of ["/web/index.html", "/web/logo.svg"]) {
      const response = await get({ path });
      expect(response.headers.get("content-type"), path).toBe("text/plain; charset=utf-8");
      expect(await response.text()).toContain("pwned");
    }
  });

  it("resolves a hardlink to its target's bytes in a lower layer", async () => {
    expect(await (await get({ path: "/data/link" })).text()).toBe("the original bytes\n");
    expect(await (await get({ path: "/data/link", layer: fsImage.layers[2]!.digest })).text()).toBe("the original bytes\n");
  });

  it("answers 404 for a path deleted in the merged view, yet serves it from its own layer", async () => {
    expect((await get({ path: "/etc/group" })).status).toBe(404);
    const fromLayer = await get({ path: "/etc/group", layer: fsImage.layers[0]!.digest });
    expect(await fromLayer.text()).toBe("root:x:0:\n");
  });

  it("answers 400 for a directory, 409 with the linkname for a symlink, 404 for nothing", async () => {
    expect((await get({ path: "/etc" })).status).toBe(400);
    const link = await get({ path: "/swapdir" });
    expect(link.status).toBe(409);
    expect((await link.json()).error.linkname).toBe("/etc");
    expect((await get({ path: "/no/such/file" })).status).toBe(404);
    expect((await get({ path: "/docs/readme.txt", layer: `sha256:${"9".repeat(64)}` })).status).toBe(404);
  });

  it("opens files with awkward names by the path the listing gave", async () => {
    const response = await call(fsGET, "fs", { ref: fsFixture.ref });
    const fs = (await response.json()) as FsResponse;
    const odd = fs.files.filter((f) => f.path.startsWith("/odd/") || f.path.startsWith("/long/")).filter((f) => f.type === "file");
    expect(odd.map((f) => f.path)).toContain("/odd/caf%E9.txt");
    expect(odd.map((f) => f.path)).toContain(`/long/${"x".repeat(190)}.txt`);
    expect(odd).toHaveLength(7);
    for (const f of odd) {
      const opened = await get({ path: f.path });
      expect(opened.status, f.path).toBe(200);
      expect((await opened.text()).length).toBe(f.size);
    }
  });

  it("offers a download with the file's real name", async () => {
    const response = await get({ path: "/odd/häßlich ☃.txt", download: "1" });
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="h__lich _.txt"; filename*=UTF-8''h%C3%A4%C3%9Flich%20%E2%98%83.txt`,
    );
  });
});

describe("dive's test image through the API", () => {
  it("reports dive's published efficiency figures", async () => {
    const response = await call(fsGET, "fs", { ref: fixtures.diveDocker.ref });
    expect(response.status).toBe(200);
    const fs = (await response.json()) as FsResponse;
    expect(fs.layers).toHaveLength(14);
    expect(fs.layers.reduce((sum, layer) => sum + layer.size, 0)).toBe(1220598);
    expect(fs.wastedBytes).toBe(32025);
    expect(fs.efficiency).toBeCloseTo(0.9844212134184309, 12);
    expect(fs.userWastedPercent).toBeCloseTo(0.4834911001404049, 12);
  });

  it("gives every regular file a sha256 content digest, and directories and symlinks none", async () => {
    const fs = (await (await call(fsGET, "fs", { ref: fixtures.diveDocker.ref })).json()) as FsResponse;
    const files = fs.files.filter((f) => f.type === "file");
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f.digest, f.path).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fs.files.filter((f) => f.type === "dir" || f.type === "symlink").every((f) => f.digest === undefined)).toBe(true);
  });

  it("merges every dive OCI image (gzip, zstd, estargz, uncompressed) to the same files", async () => {
    const trees = [];
    for (const name of ["diveOciGzip", "diveOciZstd", "diveOciUncompressed", "diveOciEstargz"] as const) {
      const fs = (await (await call(fsGET, "fs", { ref: fixtures[name].ref })).json()) as FsResponse;
      trees.push(fs.files.map((f) => [f.path, f.size, f.digest]));
    }
    // eStargz's table of contents lies past the tar's end-of-archive marker: no container sees it.
    for (const tree of trees.slice(1)) expect(tree).toEqual(trees[0]);
  });

  it("a corrupt layer makes the merged tree a 502, not a partial tree", async () => {
    const response = await call(fsGET, "fs", { ref: fixtures.corrupt.ref });
    expect(response.status).toBe(502);
  });
});
