import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { LayerEntry } from "@/lib/core/api-types";
import { diveEfficiency, diveLayerTree } from "@/lib/fs/dive-efficiency";
import { listLayer } from "@/lib/layer/read";
import { dockerArchiveLayers } from "@/tests/support/docker-archive";

const DIVE_DATA = join(import.meta.dirname, "../../../../shared/dive-data");

async function entriesOf(tarBytes: Buffer): Promise<LayerEntry[]> {
  const out: LayerEntry[] = [];
  for await (const batch of listLayer(Readable.from([tarBytes]))) out.push(...batch);
  return out;
}

const file = (path: string, size: number): LayerEntry => ({ path, type: "file", size, mode: 0o644, uid: 0, gid: 0, mtime: 0 });
const dir = (path: string): LayerEntry => ({ path, type: "dir", size: 0, mode: 0o755, uid: 0, gid: 0, mtime: 0 });
const whiteout = (path: string): LayerEntry => ({ ...file(path, 0), whiteout: true });

describe("dive efficiency", () => {
  it("matches dive's published figures for its test image (dive/image/docker/image_archive_analysis_test.go)", async () => {
    const layers = await dockerArchiveLayers(join(DIVE_DATA, "test-docker-image.tar"));
    const trees = await Promise.all(layers.map(async (bytes) => diveLayerTree(await entriesOf(bytes))));
    const result = diveEfficiency(trees);
    expect(result.sizeBytes).toBe(1220598);
    expect(result.userSizeBytes).toBe(66237);
    expect(result.wastedBytes).toBe(32025);
    expect(result.efficiency).toBeCloseTo(0.9844212134184309, 12);
    expect(result.userWastedPercent).toBeCloseTo(0.4834911001404049, 12);
  });

  it("weighs duplicated files by size and sizes a whiteout of a directory by what it deletes", () => {
    const trees = [
      diveLayerTree([dir("/etc"), dir("/etc/nginx"), file("/etc/nginx/nginx.conf", 2000), file("/etc/nginx/public", 3000)]),
      diveLayerTree([dir("/etc"), dir("/etc/nginx"), file("/etc/nginx/nginx.conf", 5000), file("/etc/athing", 10000)]),
      diveLayerTree([whiteout("/etc/nginx")]),
    ];
    const result = diveEfficiency(trees);
    // occurrences: nginx.conf 2000+5000 (min 2000), public 3000, athing 10000, whiteout of /etc/nginx 8000
    expect(result.efficiency).toBeCloseTo((2000 + 3000 + 10000 + 8000) / (7000 + 3000 + 10000 + 8000), 12);
    expect(result.wastedBytes).toBe(7000);
    expect(result.inefficiencies).toEqual([{ path: "/etc/nginx/nginx.conf", count: 2, wastedBytes: 7000 }]);
  });

  it("keeps dive's quirk: a parent an upper layer implies without listing it stops being a directory", () => {
    // dive's own TestEfficiency case: no directory entries, so the whiteout of /etc/nginx weighs 0
    const trees = [
      diveLayerTree([file("/etc/nginx/nginx.conf", 2000), file("/etc/nginx/public", 3000)]),
      diveLayerTree([file("/etc/nginx/nginx.conf", 5000), file("/etc/athing", 10000)]),
      diveLayerTree([whiteout("/etc/nginx")]),
    ];
    expect(diveEfficiency(trees).efficiency).toBe(0.75);
  });

  it("scores an image without bytes as fully efficient", () => {
    expect(diveEfficiency([diveLayerTree([file("/nothing", 0)])]).efficiency).toBe(1);
  });
});
