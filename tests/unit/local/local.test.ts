/**
 * What the browser's worker does with an archive the user opened, run here in Node (which has the
 * same Blob and Web streams): its layer reader must list exactly what the server's reader lists,
 * refuse what the server refuses, and serve the same merged tree and figures.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { formatLocalRef, parseLocalRef } from "@/lib/core/local-ref";
import { listLayer } from "@/lib/layer/read";
import { tarFiles } from "@/lib/local/archive-files";
import { LocalImage } from "@/lib/local/local-image";
import { openLocalImage } from "@/lib/local/open-image";
import { listLayerStream } from "@/lib/local/read-layer";
import { blobOf, compress, packLayer } from "@/tests/support/image-builder";
import { DIVE_DATA } from "@/tests/world/fixtures";

const ENTRIES = [
  { name: "etc/", type: "directory" as const },
  { name: "etc/hello.txt", content: "hello\n" },
  { name: "etc/.wh.gone" },
  { name: "bin/", type: "directory" as const },
  { name: "bin/tool", content: Buffer.alloc(70_000, 7), mode: 0o755 },
  { name: "bin/alias", type: "symlink" as const, linkname: "tool" },
];

/** Every entry of a listing's batches. */
async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const batch of batches) all.push(...batch);
  return all;
}

describe("the browser's layer reader", () => {
  for (const compression of ["none", "gzip", "zstd"] as const) {
    it(`lists a ${compression} layer exactly as the server does, its digest and diff_id checked`, async () => {
      const tar = await packLayer(ENTRIES);
      const stored = compress(tar, compression);
      const check = { digest: blobOf(stored).digest, diffId: blobOf(tar).digest };
      const server = await collect(listLayer(Readable.from([stored]), check));
      const browser = await collect(listLayerStream(new Blob([new Uint8Array(stored)]).stream(), check));
      expect(browser).toEqual(server);
      expect(browser.find((entry) => entry.path === "/bin/tool")?.digest).toBe(blobOf(Buffer.alloc(70_000, 7)).digest);
    });
  }

  it("reads a multi-member gzip layer (eStargz writes one member per file)", async () => {
    const tar = await packLayer(ENTRIES);
    const stored = Buffer.concat([compress(tar.subarray(0, 1024), "gzip"), compress(tar.subarray(1024), "gzip")]);
    expect(await collect(listLayerStream(new Blob([new Uint8Array(stored)]).stream(), {}))).toEqual(await collect(listLayer(Readable.from([tar]))));
  });

  it("flags a layer whose bytes do not match its digest, after listing it", async () => {
    const stored = compress(await packLayer(ENTRIES), "gzip");
    const listed = collect(listLayerStream(new Blob([new Uint8Array(stored)]).stream(), { digest: `sha256:${"0".repeat(64)}` }));
    await expect(listed).rejects.toThrow(/layer digest mismatch/);
  });

  it("refuses what is not a layer, and a truncated one", async () => {
    await expect(collect(listLayerStream(new Blob(["not a tar, nor compressed".repeat(30)]).stream(), {}))).rejects.toThrow(/not a tar archive/);
    const cut = compress(await packLayer(ENTRIES), "gzip");
    await expect(collect(listLayerStream(new Blob([new Uint8Array(cut.subarray(0, cut.length - 40))]).stream(), {}))).rejects.toThrow(
      /corrupt or truncated|ended early/,
    );
  });
});

describe("a local image", () => {
  it("gives dive's figures for dive's docker save, and a file's bytes by part", async () => {
    const files = await tarFiles(new Blob([new Uint8Array(readFileSync(join(DIVE_DATA, "test-docker-image.tar")))]));
    const image = new LocalImage(files, await openLocalImage(files, parseLocalRef("test-docker-image.tar"), null));
    const fs = await image.fs(null);
    expect([fs.efficiency, fs.wastedBytes, fs.userWastedPercent]).toEqual([0.9844212134184309, 32025, 0.4834911001404049]);
    const file = fs.files.find((entry) => entry.type === "file" && entry.size > 10) as { path: string; size: number };
    const whole = await image.filePart({ path: file.path, layer: null }, 0, file.size);
    const part = await image.filePart({ path: file.path, layer: null }, 3, 5);
    expect(part).toEqual({ bytes: whole.bytes.subarray(3, 8), size: file.size });
  });

  it("names its file and image, pinned to a digest", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(parseLocalRef(`my@image.tar/app:1@${digest}`)).toEqual({ archive: "my@image.tar", image: "app:1", digest });
    expect(parseLocalRef("layout")).toEqual({ archive: "layout", image: null, digest: null });
    expect(formatLocalRef({ archive: "x.tar", image: "@1", digest })).toBe(`x.tar/@1@${digest}`);
  });
});
