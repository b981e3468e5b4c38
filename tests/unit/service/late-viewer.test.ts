/**
 * A listing under way keeps only a budget of its lines for viewers who join late: one who comes
 * after the first lines were let go gets the whole listing all the same, from the index once it is
 * stored, and the listing is downloaded once.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { LayerEntry } from "@/lib/core/api-types";
import { layerEntries } from "@/lib/service/layer-index";
import type { LayerSource } from "@/lib/service/layer-source";
import { lazyEmptyEntries } from "@/tests/support/tar";

/** 60 000 empty files: about 10 MB of listing lines, well past the 4 MiB a listing under way keeps. */
const COUNT = 60_000;

function layer(): LayerSource & { opened: number } {
  const source = {
    // A digest of its own per run: the cache is shared by this run's tests.
    digest: `sha256:${createHash("sha256").update(`late viewer ${process.pid} ${Date.now()}`).digest("hex")}`,
    check: {},
    opened: 0,
    open: async () => {
      source.opened++;
      return lazyEmptyEntries(COUNT);
    },
  };
  return source;
}

async function paths(batches: AsyncIterable<{ entries: LayerEntry[] }>): Promise<string[]> {
  const all: string[] = [];
  for await (const batch of batches) for (const entry of batch.entries) all.push(entry.path);
  return all;
}

describe("a viewer who joins a listing after its first lines were let go", () => {
  it("gets every entry, from the stored index, and the layer is read once", async () => {
    const source = layer();
    const first = layerEntries(source);
    const seen: string[] = [];
    let late: Promise<string[]> | null = null;
    for await (const batch of first) {
      for (const entry of batch.entries) seen.push(entry.path);
      // Three quarters in, the first lines are long gone from memory.
      if (!late && seen.length > COUNT * 0.75) late = paths(layerEntries(source));
    }
    expect(seen).toHaveLength(COUNT);
    expect(await late).toEqual(seen);
    expect(source.opened).toBe(1);
  });
});
