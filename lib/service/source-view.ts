import "server-only";
import type { Readable } from "node:stream";
import type { ImageInfo } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import type { FileRef, ImageView } from "@/lib/core/image-view";
import { existingLayer } from "@/lib/fs/merge-image";
import type { ByteRange } from "@/lib/service/entry-bytes";
import { openFile, type OpenedFile } from "@/lib/service/file";
import type { ImageQuery } from "@/lib/service/image";
import { imageFs, type ImageFs } from "@/lib/service/image-fs";
import { isListed, layerEntries } from "@/lib/service/layer-index";
import { registryImage, type ImageSource, type LayerSource } from "@/lib/service/layer-source";
import { imagePackages } from "@/lib/service/packages";
import { treeIndex, type TreeIndex } from "@/lib/service/tree-index";
import { indexedChangedDirectory, indexedChanges, indexedDirectory, indexedSearch, indexedSummary } from "@/lib/service/tree-queries";

/** The server's ImageView, with what only the server has: the layers' sources, the merge, a file as a stream. */
export interface SourceView extends ImageView {
  source(): Promise<ImageSource>;
  /** Every layer's listing is at hand: the merged tree, directories and searches come in milliseconds, not after reading layers. */
  listed(): Promise<boolean>;
  /** The merged filesystem of layers 0..`upTo` with its merge, for comparisons and inventories. */
  merged(upTo?: number | null): Promise<ImageFs>;
  /** A file's bytes as a stream (all, or `part`) and the layer they come from: what the file route sends. */
  openFile(file: FileRef, part: ByteRange | null): Promise<OpenedFile>;
}

async function readAll(content: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of content as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * An image whose layers come from a source (a registry, an archive on this machine), opened once on
 * first use. Every answer comes from the services, which keep what derives from a digest.
 */
export function sourceView(open: () => Promise<ImageSource>): SourceView {
  let opened: Promise<ImageSource> | null = null;
  const source = () => (opened ??= open());
  const layer = async (digest: string): Promise<LayerSource> => {
    const found = (await source()).layers.find((candidate) => candidate.digest === digest);
    if (!found) throw new PortholeError("NOT_FOUND", `the image has no layer ${digest}`);
    return found;
  };
  // The merged tree's answers come from its index: what they show is read, not the whole tree.
  const indexed = async (upTo: number | null): Promise<[TreeIndex, string]> => {
    const opened = await source();
    return [await treeIndex(opened, existingLayer(opened.image, upTo ?? opened.image.layers.length - 1)), opened.image.digest];
  };
  const view: SourceView = {
    source,
    listed: async () => (await Promise.all((await source()).layers.map(isListed))).every(Boolean),
    image: async (): Promise<ImageInfo> => (await source()).image,
    merged: async (upTo = null) => imageFs(await source(), upTo),
    fs: async (upTo) => (await view.merged(upTo)).fs,
    // From the index, whole or a page: never the merged tree in memory.
    changes: async (layer, page = { limit: Infinity }, query) => {
      const [index] = await indexed(null);
      return indexedChanges(index, existingLayer((await source()).image, layer), page, query);
    },
    changedDirectory: async (layer, path, sort) => {
      const [index, digest] = await indexed(null);
      return indexedChangedDirectory(index, digest, existingLayer((await source()).image, layer), path, sort);
    },
    packages: async (withFiles) => imagePackages(await source(), withFiles),
    summary: async (upTo) => indexedSummary(...(await indexed(upTo))),
    directory: async (path, upTo, sort) => indexedDirectory(...(await indexed(upTo)), path, sort),
    search: async (query, upTo, limit, after) => indexedSearch(...(await indexed(upTo)), query, limit, after),
    openFile: async (file, part) => openFile(await source(), (await indexed(null))[0], file.path, file.layer, part),
    filePart: async (file, offset, length) => {
      const { content, entry } = await view.openFile(file, { offset, length });
      return { bytes: await readAll(content), size: entry.size };
    },
    layerEntries: async function* (digest) {
      for await (const batch of layerEntries(await layer(digest))) yield* batch.entries;
    },
  };
  return view;
}

/**
 * The registry image a request names, resolved with the requester's own credentials (its layers
 * fetched with them): that proves their access, so what the services keep per digest is only
 * reached by requesters the registry just let through.
 */
export const registryView = (query: ImageQuery): SourceView => sourceView(() => registryImage(query));
