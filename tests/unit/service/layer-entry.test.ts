/**
 * An entry of a layer by its ordinal, read as one run of lines of the layer's cached listing
 * (lib/service/layer-entry.ts): the same entry as the whole listing's, at every ordinal, for
 * listings kept in memory and on disk, whose length is or is not a multiple of the marks.
 */
import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import type { LayerEntry } from "@/lib/core/api-types";
import { layerEntry } from "@/lib/service/layer-entry";
import { collectLayer, isListed } from "@/lib/service/layer-index";
import type { LayerSource } from "@/lib/service/layer-source";
import { blobOf, compress, packLayer } from "@/tests/support/image-builder";

/** A gzip layer of `count` entries (directories, files, links), read from memory. */
async function layerOf(count: number, tag: string): Promise<LayerSource> {
  const entries = Array.from({ length: count }, (_, i) =>
    i % 10 === 0
      ? { name: `${tag}/d${i}`, type: "directory" as const }
      : i % 10 === 1
        ? { name: `${tag}/l${i}`, type: "symlink" as const, linkname: `f${i - 1}` }
        : { name: `${tag}/d${i - (i % 10)}/f${i} "odd" ünï`, content: `${tag} ${i}\n` },
  );
  const blob = blobOf(compress(await packLayer(entries), "gzip"));
  return { digest: blob.digest, check: { digest: blob.digest }, open: async () => Readable.from([blob.bytes]) };
}

/** Every ordinal's entry, and a few that name none, as layerEntry reads them. */
async function everyEntry(layer: LayerSource, count: number): Promise<(LayerEntry | undefined)[]> {
  const read: (LayerEntry | undefined)[] = [];
  for (let ordinal = 0; ordinal < count; ordinal++) read.push(await layerEntry(layer, ordinal));
  return read;
}

describe("a layer's entry by its ordinal", () => {
  const cases = [
    // Kept in memory (a small listing), a partial last run of lines.
    ["a small listing", 300],
    // Kept on disk (past a megabyte), exactly a multiple of the marks, and not.
    ["a listing on disk, a whole number of marks", 8 * 1024],
    ["a listing on disk", 8 * 1024 + 77],
  ] as const;
  const layers = new Map<number, LayerSource>();
  beforeAll(async () => {
    for (const [, count] of cases) layers.set(count, await layerOf(count, `t${count}`));
  });

  for (const [name, count] of cases) {
    it(`is the listing's own entry at every ordinal: ${name} (${count} entries)`, async () => {
      const layer = layers.get(count) as LayerSource;
      // Never listed: the first read lists the layer (once), then reads a line of the listing.
      expect(await isListed(layer)).toBe(false);
      const read = await everyEntry(layer, count);
      expect(await isListed(layer)).toBe(true);
      const listed = await collectLayer(layer);
      expect(listed).toHaveLength(count);
      expect(read).toEqual(listed);
      for (const none of [-1, count, count + 300, 1.5, Number.NaN]) expect(await layerEntry(layer, none), String(none)).toBeUndefined();
    });
  }
});
