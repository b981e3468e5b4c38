/**
 * The inventory follows the merge: a package database is gone exactly when the merged filesystem
 * (OCI layer.md's rules, in lib/fs/merge.ts) no longer holds the version the layer captured.
 */
import { describe, expect, it } from "vitest";
import type { EntryType, ImageInfo, LayerEntry } from "@/lib/core/api-types";
import { runSettings } from "@/lib/core/image-config";
import { mergeImage } from "@/lib/fs/merge-image";
import { emptyCaptures, type LayerCaptures } from "@/lib/packages/captures";
import { imageInventory } from "@/lib/packages/image-inventory";

const STATUS = "/var/lib/dpkg/status";
const stanza = (name: string) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n\n`;

const entry = (path: string, type: EntryType = "file", extra: Partial<LayerEntry> = {}): LayerEntry => ({
  path,
  type,
  size: 0,
  mode: type === "dir" ? 0o755 : 0o644,
  uid: 0,
  gid: 0,
  mtime: 0,
  ...extra,
});

/** A layer: its entries, and the database files its pass captured (each one is also an entry). */
function layer(entries: LayerEntry[], databases: Record<string, string> = {}): { entries: LayerEntry[]; captures: LayerCaptures } {
  const captures = emptyCaptures();
  for (const [path, text] of Object.entries(databases)) {
    captures.files.set(path, new TextEncoder().encode(text));
    entries.push(entry(path));
  }
  return { entries, captures };
}

const installed = layer([entry("/var", "dir"), entry("/var/lib", "dir"), entry("/var/lib/dpkg", "dir")], { [STATUS]: stanza("alpha") });

async function packagesAfter(...layers: ReturnType<typeof layer>[]): Promise<string[]> {
  const image = { digest: "sha256:x", config: {}, run: runSettings({}), layers: layers.map(() => ({ digest: "sha256:l" })) } as unknown as ImageInfo;
  const merged = mergeImage(
    image,
    layers.map((each) => each.entries),
    1 << 30,
  );
  const inventory = await imageInventory(image, merged, async (index) => (layers[index] as ReturnType<typeof layer>).captures);
  return inventory.packages.map((found) => found.name);
}

describe("the inventory follows the merge's rules", () => {
  it("a non-directory over a directory removes its subtree: a symlink where /var/lib/dpkg was leaves no database", async () => {
    expect(await packagesAfter(installed)).toEqual(["alpha"]);
    expect(await packagesAfter(installed, layer([entry("/var/lib/dpkg", "symlink", { linkname: "/nowhere" })]))).toEqual([]);
    expect(await packagesAfter(installed, layer([entry("/var/lib", "file")]))).toEqual([]);
  });

  it("a whiteout removes its path and everything under it; an opaque marker everything under its directory", async () => {
    expect(await packagesAfter(installed, layer([entry("/var/lib", "file", { whiteout: true })]))).toEqual([]);
    expect(await packagesAfter(installed, layer([entry("/var/lib/dpkg", "file", { opaque: true })]))).toEqual([]);
  });

  it("deletes only from below: a database a layer deletes and writes again stays, and a sibling's deletion touches nothing", async () => {
    expect(await packagesAfter(installed, layer([entry("/var/lib/dpkg", "file", { opaque: true })], { [STATUS]: stanza("beta") }))).toEqual(["beta"]);
    expect(await packagesAfter(installed, layer([entry("/var/lib/apt", "file", { whiteout: true }), entry("/var/lib/dpkg-old", "symlink")]))).toEqual(
      ["alpha"],
    );
  });

  it("a directory over the database removes it; a database written over that directory is read again", async () => {
    expect(await packagesAfter(installed, layer([entry(STATUS, "dir")]))).toEqual([]);
    expect(await packagesAfter(installed, layer([entry(STATUS, "dir")]), layer([], { [STATUS]: stanza("gamma") }))).toEqual(["gamma"]);
  });
});
