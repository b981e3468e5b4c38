import { createHash } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { GET as diffGET } from "@/app/api/v1/diff/route";
import type { DiffResponse } from "@/lib/core/api-types";
import { overrideSettings } from "@/lib/config";
import { OPEN_REGISTRY } from "@/tests/world/config";

const fixtures = inject("fixtures");
const { compareA, compareB } = fixtures;
const sha = (bytes: string | Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

async function diff(params: Record<string, string>): Promise<{ status: number; body: DiffResponse & { error?: { code: string; message: string } } }> {
  const url = new URL("http://porthole.test/api/v1/diff");
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const response = await diffGET(new Request(url));
  return { status: response.status, body: await response.json() };
}

beforeAll(() => {
  overrideSettings({ allowPrivateHosts: "all" });
});

describe("GET /api/v1/diff on a crafted pair (tests/world/fixtures.ts COMPARE_SPECS)", () => {
  let body: DiffResponse;
  beforeAll(async () => {
    const answer = await diff({ a: compareA.ref, b: compareB.ref });
    expect(answer.status).toBe(200);
    body = answer.body;
  });

  it("pages its changes in path order (limit, after), also those at and below a path (under)", async () => {
    expect(body.total).toBe(body.changes.length);
    expect(body.next).toBeUndefined();
    const paths = body.changes.map((c) => c.path);
    const first = (await diff({ a: compareA.ref, b: compareB.ref, limit: "2" })).body;
    expect(first.changes.map((c) => c.path)).toEqual(paths.slice(0, 2));
    expect(first).toMatchObject({ total: paths.length, next: paths[1], summary: body.summary, config: body.config });
    const rest = (await diff({ a: compareA.ref, b: compareB.ref, limit: "10000", after: first.next as string })).body;
    expect(rest.changes.map((c) => c.path)).toEqual(paths.slice(2));
    expect(rest.next).toBeUndefined();
    const dir = paths[0]?.split("/").slice(0, 2).join("/") as string;
    const under = (await diff({ a: compareA.ref, b: compareB.ref, limit: "10000", under: dir })).body;
    expect(under.changes.map((c) => c.path)).toEqual(paths.filter((path) => path === dir || path.startsWith(`${dir}/`)));
    expect((await diff({ a: compareA.ref, b: compareB.ref, limit: "0" })).status).toBe(400);
  });

  it("names both images and the one base layer they share", () => {
    expect(body.a).toMatchObject({ ref: compareA.ref, digest: compareA.digest, layers: 2, platform: { os: "linux", architecture: "amd64" } });
    expect(body.b).toMatchObject({ ref: compareB.ref, digest: compareB.digest, layers: 2 });
    expect(compareA.images[0]?.layers[0]?.digest).toBe(compareB.images[0]?.layers[0]?.digest);
    expect(body.sharedLayers).toBe(1);
  });

  it("lists exactly the changed paths, sorted, each with the fields that differ", () => {
    expect(body.changes.map((c) => [c.path, c.change, c.fields ?? null])).toEqual([
      ["/bin/su", "modified", ["mode"]],
      ["/docs/caf%E9.txt", "added", null],
      ["/docs/häßlich ☃.txt", "modified", ["content"]],
      ["/etc/motd", "modified", ["content"]],
      ["/home/app", "modified", ["uid", "gid"]],
      ["/home/app/data.txt", "modified", ["uid", "gid"]],
      ["/lib/libx.so", "modified", ["linkname"]],
      ["/only-a.txt", "removed", null],
      ["/only-b.txt", "added", null],
      ["/srv", "modified", ["type", "mode"]],
      ["/srv/index.txt", "added", null],
      ["/usr/share/doc", "removed", null],
      ["/usr/share/doc/pkg1", "removed", null],
      ["/usr/share/doc/pkg1/copyright", "removed", null],
      ["/usr/share/doc/pkg2", "removed", null],
      ["/usr/share/doc/pkg2/changelog", "removed", null],
    ]);
  });

  it("counts what is unchanged (an mtime-only change and a hardlink against an identical copy among them)", () => {
    expect(body.summary).toEqual({ added: 3, removed: 6, modified: 7, unchanged: 13, addedBytes: 24, removedBytes: 20 });
    expect(body.changes.find((c) => c.path === "/stamp.txt" || c.path === "/bin/copy")).toBeUndefined();
  });

  it("gives each side's entry with its content digest, owner and mode", () => {
    const motd = body.changes.find((c) => c.path === "/etc/motd");
    expect(motd?.a).toMatchObject({ type: "file", size: 6, digest: sha("hello\n"), layer: 1 });
    expect(motd?.b).toMatchObject({ type: "file", size: 6, digest: sha("HELLO\n"), layer: 1 });
    const su = body.changes.find((c) => c.path === "/bin/su");
    expect([(su?.a?.mode ?? 0) & 0o7777, (su?.b?.mode ?? 0) & 0o7777]).toEqual([0o755, 0o4755]);
    expect(body.changes.find((c) => c.path === "/home/app/data.txt")?.b).toMatchObject({ uid: 1000, gid: 1000 });
    expect(body.changes.find((c) => c.path === "/lib/libx.so")?.b).toMatchObject({ type: "symlink", linkname: "libx.so.2" });
    expect(body.changes.find((c) => c.path === "/only-a.txt")).toMatchObject({ a: { size: 10 }, b: null });
  });

  it("lists the config differences, the hostile label as plain data", () => {
    expect(body.config).toEqual([
      { field: "User", a: "root", b: "65532" },
      { field: "Entrypoint", a: null, b: '["/app"]' },
      { field: "Env.A", a: "1", b: "2" },
      { field: "Env.B", a: null, b: "3" },
      { field: "Labels.note", a: null, b: "<img src=x onerror=alert(1)>" },
    ]);
  });

  it("compares an image with itself as nothing changed", async () => {
    const same = await diff({ a: compareA.ref, b: `${compareA.registry}/${compareA.repository}@${compareA.digest}` });
    expect(same.body.changes).toEqual([]);
    expect(same.body.sharedLayers).toBe(2);
    expect(same.body.summary.unchanged).toBeGreaterThan(0);
  });

  it("is cacheable for good once both sides are pinned and public", async () => {
    const url = new URL("http://porthole.test/api/v1/diff");
    url.searchParams.set("a", `${compareA.registry}/${compareA.repository}@${compareA.digest}`);
    url.searchParams.set("b", `${compareB.registry}/${compareB.repository}@${compareB.digest}`);
    expect((await diffGET(new Request(url))).headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    url.searchParams.set("b", compareB.ref);
    expect((await diffGET(new Request(url))).headers.get("cache-control")).toBe("public, max-age=60");
  });
});

describe("GET /api/v1/diff errors", () => {
  it("400 for a missing or malformed side, naming it", async () => {
    expect((await diff({ a: compareA.ref })).body.error?.message).toMatch(/the b parameter is required/);
    const bad = await diff({ a: "Not A Ref", b: compareB.ref });
    expect(bad.status).toBe(400);
    expect((await diff({ a: compareA.ref, b: compareB.ref, platformB: "linux" })).status).toBe(400);
  });

  it("404 for an unknown image on either side", async () => {
    const missing = await diff({ a: compareA.ref, b: `${OPEN_REGISTRY}/fixtures/compare:nope` });
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe("NOT_FOUND");
  });
});
