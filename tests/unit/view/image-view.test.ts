/**
 * One ImageView, several implementations: an archive read on the server (what the command line and
 * the routes call) and the same archive read by the browser's worker answer every call alike.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LayerEntry } from "@/lib/core/api-types";
import { callView, type ImageView, type ViewCall } from "@/lib/core/image-view";
import { parseLocalRef } from "@/lib/core/local-ref";
import { LocalImage } from "@/lib/local/local-image";
import { openLocalImage } from "@/lib/local/open-image";
import { tarFiles } from "@/lib/local/archive-files";
import { archiveSource } from "@/lib/service/archive";
import { sourceView } from "@/lib/service/source-view";

const ARCHIVE = join(__dirname, "../../../../shared/dive-data/test-docker-image.tar");

async function views(): Promise<{ server: ImageView; browser: ImageView }> {
  const files = await tarFiles(new Blob([new Uint8Array(readFileSync(ARCHIVE))]));
  const browser = new LocalImage(files, await openLocalImage(files, parseLocalRef("test-docker-image.tar"), null));
  const server = sourceView(() => archiveSource("docker-archive", ARCHIVE, null, null));
  return { server, browser };
}

async function entries(view: ImageView, digest: string): Promise<LayerEntry[]> {
  const all: LayerEntry[] = [];
  for await (const entry of view.layerEntries(digest)) all.push(entry);
  return all;
}

describe("an ImageView", () => {
  it("answers every call alike from the server's archive reader and the browser's worker", async () => {
    const { server, browser } = await views();
    const image = await server.image();
    // Where the image was found differs (a path on this machine, a file in a tab); what it is does not.
    const where = { ref: "", registry: "", repository: "" };
    expect({ ...(await browser.image()), ...where }).toEqual({ ...image, ...where });

    const etc = (await server.directory("/", null)).children.find((child) => child.type === "dir" && child.children > 0);
    const file = (await server.fs(null)).files.find((entry) => entry.type === "file" && entry.size > 8);
    expect(etc && file).toBeTruthy();
    const calls: ViewCall[] = [
      { method: "fs", args: [null] },
      { method: "fs", args: [1] },
      { method: "changes", args: [2] },
      { method: "packages", args: [true] },
      { method: "directory", args: ["/", null] },
      { method: "directory", args: [etc?.path as string, 1] },
      { method: "directory", args: ["/", null, "size"] },
      { method: "search", args: ["*.txt", null, 3] },
      { method: "search", args: ["bin", 0, 100] },
    ];
    for (const call of calls) expect(await callView(browser, call), call.method).toEqual(await callView(server, call));

    const ref = { path: file?.path as string, layer: null };
    expect(await browser.filePart(ref, 2, 5)).toEqual({ bytes: new Uint8Array((await server.filePart(ref, 2, 5)).bytes), size: file?.size });
    const layer = image.layers[1]?.digest as string;
    expect(await entries(browser, layer)).toEqual(await entries(server, layer));
  });

  it("refuses what the image does not have, with the same error on both", async () => {
    const { server, browser } = await views();
    for (const view of [server, browser]) {
      await expect(view.directory("/no/such/dir", null)).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(view.changes(99)).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(view.filePart({ path: "/etc", layer: null }, 0, 1)).rejects.toMatchObject({ status: 400 });
    }
  });
});
