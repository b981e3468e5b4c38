import "server-only";
import type { DirectoryResponse, ImageInfo } from "@/lib/core/api-types";
import type { FileRef, FirstView, ImageView } from "@/lib/core/image-view";
import { directoriesDown } from "@/lib/core/paths";
import { treeItemOf, type TreeItem } from "@/lib/core/tree";
import type { View } from "@/lib/core/urls";

/** How much of the linked file goes into the page: a screenful and more; the viewer reads on from there. */
export const FIRST_TEXT_BYTES = 128 * 1024;

/** What the viewer reads bytes of: a file, or a hard link (its target's). */
const hasBytes = (item: TreeItem) => item.type === "file" || item.type === "hardlink";

/** UTF-8 text exactly as the bytes are, or null; the last character may be cut by the end of the part (it is left out). */
function utf8(bytes: Uint8Array, cut: boolean): string | null {
  for (let end = bytes.length; end >= bytes.length - (cut ? 3 : 0) && end >= 0; end--) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end));
    } catch {
      // not UTF-8 up to here
    }
  }
  return null;
}

/** The file's first part when it is text; anything else (a NUL early on, bytes that are not UTF-8) is left to the viewer. */
async function firstPart(view: ImageView, ref: FileRef): Promise<FirstView["file"]> {
  const { bytes, size } = await view.filePart(ref, 0, FIRST_TEXT_BYTES);
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  const text = utf8(bytes, bytes.length < size);
  return text === null ? undefined : { ref, text, size };
}

/** A tree's directories down to the link, one at a time (each read alone: what a big image's page loads too), and the linked entry. */
async function treeDown(directory: (dir: string) => Promise<DirectoryResponse>, path: string): Promise<{ items: TreeItem[]; linked?: TreeItem }> {
  const items: TreeItem[] = [];
  let linked: TreeItem | undefined;
  for (const dir of directoriesDown(path, true)) {
    const listing = await directory(dir).catch(() => null);
    if (!listing) break;
    items.push(...listing.children.map(treeItemOf));
    const found = listing.children.find((child) => child.path === path);
    linked = found && treeItemOf(found);
  }
  return { items, ...(linked && { linked }) };
}

/** The merged filesystem's (of layers 0..`upTo`) directories down to the link, and the linked file's text. */
async function mergedFirst(view: ImageView, image: ImageInfo, path: string, upTo: number | null): Promise<Omit<FirstView, "image">> {
  const { items, linked } = await treeDown((dir) => view.directory(dir, upTo), path);
  const layer = linked?.layer === undefined ? undefined : image.layers[linked.layer]?.digest;
  if (!linked || !hasBytes(linked) || !layer) return { items };
  return { items, file: await firstPart(view, { path, layer }) };
}

/** The directories of a layer's changes down to the link, and the linked file's text as that layer has it. */
async function layerFirst(view: ImageView, image: ImageInfo, digest: string, path: string): Promise<Omit<FirstView, "image">> {
  const index = image.layers.findIndex((layer) => layer.digest === digest);
  if (index < 0) return { items: [] };
  const { items, linked } = await treeDown((dir) => view.changedDirectory(index, dir), path);
  if (!linked || !hasBytes(linked) || linked.change === undefined || linked.change === "removed") return { items };
  return { items, file: await firstPart(view, { path, layer: digest }) };
}

/**
 * The first view of an image page, from any ImageView: what a shared link shows before its
 * scripts run. The rest (the whole tree, figures, packages; in a view of layers 0..N, which of its
 * files layer N changed) the page asks for once it runs.
 */
export async function firstView(view: ImageView, location: View): Promise<FirstView> {
  const image = await view.image();
  if (location.kind === "layer") return { image, ...(await layerFirst(view, image, location.digest, location.path)) };
  return { image, ...(await mergedFirst(view, image, location.path, location.upTo)) };
}
