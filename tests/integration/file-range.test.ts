/**
 * Random access against the real registries: a listed gzip layer's files are read by Range
 * (distribution serves blob ranges with 206), through Bearer token auth too, byte for byte.
 * Faults a real registry cannot produce (ignored ranges, other bytes for a range) are in
 * tests/unit/service/file-range.test.ts.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as fileGET } from "@/app/api/v1/file/route";
import { GET as layerGET } from "@/app/api/v1/layer/route";
import type { LayerEntry } from "@/lib/core/api-types";
import { overrideSettings } from "@/lib/config";
import { ANONYMOUS_PREFIX, OPEN_REGISTRY, TOKEN_REGISTRY } from "@/tests/world/config";
import { pushSingle } from "@/tests/world/fixtures";

/** A real GNU tar layer (pax headers, long names) of files big enough to need several checkpoints. */
function gnuTarLayer(): { archive: Buffer; dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "porthole-range-"));
  const files: string[] = [];
  for (let i = 0; i < 12; i++) {
    const path = `srv/${i % 2 ? "lib" : `${"nested/".repeat(20)}share`}/part${i}.dat`;
    mkdirSync(join(dir, path, ".."), { recursive: true });
    const text = Array.from({ length: 40_000 }, (_, line) => `${i}:${line} ${(line * 2654435761) % 1000003}`).join("\n");
    writeFileSync(join(dir, path), Buffer.concat([Buffer.from(text), randomBytes(200_000)]));
    files.push(path);
  }
  writeFileSync(join(dir, "srv/empty"), "");
  const archive = execFileSync("tar", ["--format=pax", "--sort=name", "--owner=0", "--group=0", "-cf", "-", "-C", dir, "srv"], {
    maxBuffer: 1 << 30,
  });
  return { archive, dir, files };
}

let layer: ReturnType<typeof gnuTarLayer>;

beforeAll(() => {
  overrideSettings({ allowPrivateHosts: "all", seekIndexMinBytes: 0 });
  layer = gnuTarLayer();
});

const call = (handler: (request: Request) => Promise<Response>, endpoint: string, params: Record<string, string>) => {
  const url = new URL(`http://porthole.test/api/v1/${endpoint}`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return handler(new Request(url));
};

describe.each([
  ["an open registry", OPEN_REGISTRY, "range/open"],
  ["a token (Bearer) registry", TOKEN_REGISTRY, `${ANONYMOUS_PREFIX}range`],
])("reading files by Range from %s", (_name, registry, repository) => {
  it("lists the layer once, then reads each file and parts of files by Range, byte for byte", async () => {
    const pushed = await pushSingle(registry, repository, "v1", { format: "oci", layers: [{ archive: layer.archive }] });
    const digest = pushed.images[0]!.layers[0]!.digest;
    const listing = await (await call(layerGET, "layer", { ref: pushed.ref, digest })).text();
    const entries = listing
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as LayerEntry);
    expect(entries.at(-1)).toMatchObject({ done: true });
    for (const path of layer.files) {
      const expected = readFileSync(join(layer.dir, path));
      expect(entries.find((entry) => entry.path === `/${path}`)?.offset).toBeGreaterThan(0);
      const whole = await call(fileGET, "file", { ref: pushed.ref, path: `/${path}`, layer: digest });
      expect([whole.status, whole.headers.get("x-porthole-read")]).toEqual([200, "range"]);
      expect(Buffer.from(await whole.arrayBuffer()).equals(expected), path).toBe(true);
      const part = await call(fileGET, "file", { ref: pushed.ref, path: `/${path}`, offset: "300000", length: "4096" });
      expect([part.status, part.headers.get("x-porthole-read")]).toEqual([206, "range"]);
      expect(Buffer.from(await part.arrayBuffer()).equals(expected.subarray(300_000, 304_096)), path).toBe(true);
    }
    expect(await (await call(fileGET, "file", { ref: pushed.ref, path: "/srv/empty" })).text()).toBe("");
  });
});
