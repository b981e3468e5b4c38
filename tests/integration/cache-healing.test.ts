/**
 * A damaged disk cache heals: entries truncated or rotted on disk are dropped and fetched again from
 * the registry, between two requests and across a restart — never served, never a lasting error.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { layerIndexKey } from "@/lib/service/layer-index";
import { GET as layerGET } from "@/app/api/v1/layer/route";
import { overrideSettings, settings } from "@/lib/config";
import { startApp } from "@/tests/world/app";

const fixture = inject("fixtures").fs;
const layer = fixture.images[0]!.layers[0]!;
const keyName = (key: string) => createHash("sha256").update(key).digest("hex");

/** Cuts every cache file of `key` in `dir` to half its size, as a full disk or a crash mid-copy would. */
function damage(dir: string, key: string): number {
  const files = readdirSync(dir).filter((name) => name.startsWith(`${keyName(key)}-`));
  for (const name of files) truncateSync(join(dir, name), Math.floor(statSync(join(dir, name)).size / 2));
  return files.length;
}

async function listing(): Promise<string[]> {
  const url = new URL("http://porthole.test/api/v1/layer");
  url.searchParams.set("ref", fixture.ref);
  url.searchParams.set("digest", layer.digest);
  const response = await layerGET(new Request(url));
  expect(response.status).toBe(200);
  return (await response.text()).trim().split("\n");
}

beforeAll(() => {
  overrideSettings({ allowPrivateHosts: "all" });
  vi.spyOn(console, "error").mockImplementation(() => {}); // the cache logs what it drops
});
afterAll(() => vi.restoreAllMocks());

describe("a damaged cache entry", () => {
  it("is dropped and the layer listed again from the registry, between two requests", async () => {
    const whole = await listing();
    expect(JSON.parse(whole.at(-1) as string)).toMatchObject({ done: true });
    expect(damage(settings().cacheDir, layerIndexKey(layer.digest))).toBe(1);
    expect(await listing()).toEqual(whole);
  });

  it("after a restart, is dropped and the merged tree served as before", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "porthole-healing-"));
    const fsUrl = (url: string) => `${url}/api/v1/fs?ref=${encodeURIComponent(fixture.ref)}`;
    const first = await startApp("http://127.0.0.1:3192", { PORTHOLE_CACHE_DIR: cacheDir });
    const before = await (await fetch(fsUrl(first.url))).json();
    await first.stop();
    for (const image of fixture.images) for (const { digest } of image.layers) damage(cacheDir, layerIndexKey(digest));
    const restarted = await startApp("http://127.0.0.1:3192", { PORTHOLE_CACHE_DIR: cacheDir });
    try {
      const response = await fetch(fsUrl(restarted.url));
      expect(response.status).toBe(200);
      expect((await response.json()).files).toEqual(before.files);
      expect(restarted.output()).toMatch(/dropped a damaged entry/);
    } finally {
      await restarted.stop();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
