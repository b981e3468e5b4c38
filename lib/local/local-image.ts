import type { Page } from "@/lib/core/paging";
import type {
  ChangesResponse,
  DirectoryResponse,
  FsResponse,
  ImageInfo,
  LayerEntry,
  PackagesResponse,
  SearchResponse,
  FsSummary,
} from "@/lib/core/api-types";
import type { FilePart, FileRef, ImageView } from "@/lib/core/image-view";
import { PortholeError } from "@/lib/core/errors";
import { cleanPath } from "@/lib/core/paths";
import type { ArchiveImage, ArchiveLayer } from "@/lib/archive/files";
import { changedDirectoryOf, changesOf, directoryOf, searchOf, summaryOf } from "@/lib/fs/directory";
import type { SortKey } from "@/lib/core/tree";
import { bytesToOpen, inLayer, locatedInLayer, locateInMerge } from "@/lib/fs/locate";
import type { EntryLocation, FsMerge } from "@/lib/fs/merge";
import { existingLayer, mergeImage } from "@/lib/fs/merge-image";
import { captureSinks, emptyCaptures, type LayerCaptures } from "@/lib/packages/captures";
import { detectCompression, SNIFF_BYTES } from "@/lib/layer/sniff";
import { imageInventory, withoutFiles } from "@/lib/packages/image-inventory";
import type { LocalFiles } from "@/lib/local/archive-files";
import { entryPart, listLayerStream } from "@/lib/local/read-layer";

/** As the server's default PORTHOLE_MAX_LISTING_BYTES. */
const MAX_LISTING_BYTES = 128 * 1024 * 1024;

/** One layer being read once: its entries so far (followers hear of each), then all of them with the captures. */
class LayerRead {
  readonly entries: LayerEntry[] = [];
  readonly done: Promise<{ entries: LayerEntry[]; captures: LayerCaptures }>;
  private finished = false;
  private waiting: (() => void)[] = [];

  constructor(blob: Blob, layer: ArchiveLayer) {
    const captures = emptyCaptures();
    this.done = (async () => {
      try {
        for await (const entries of listLayerStream(blob.stream(), layer.check, captureSinks(captures))) {
          this.entries.push(...entries);
          this.wake();
        }
        return { entries: this.entries, captures };
      } finally {
        this.finished = true;
        this.wake();
      }
    })();
  }

  private wake(): void {
    for (const resume of this.waiting.splice(0)) resume();
  }

  /** Every entry, those read already and then each as it is read; throws what the read ends with. */
  async *follow(): AsyncGenerator<LayerEntry> {
    let next = 0;
    for (;;) {
      while (next < this.entries.length) yield this.entries[next++] as LayerEntry;
      if (this.finished) break;
      await new Promise<void>((resume) => this.waiting.push(resume));
    }
    await this.done;
  }
}

/**
 * An image of an archive the user opened, answering as the server answers for registry images,
 * from the same modules: each layer is read once, from the File in place, in this worker.
 */
export class LocalImage implements ImageView {
  private readonly reads = new Map<number, LayerRead>();
  private readonly merges = new Map<number, Promise<{ merge: FsMerge; fs: FsResponse }>>();
  private inventory: Promise<PackagesResponse> | null = null;

  constructor(
    private readonly files: LocalFiles,
    private readonly archived: ArchiveImage,
  ) {}

  private get info(): ImageInfo {
    return this.archived.image;
  }

  async image(): Promise<ImageInfo> {
    return this.info;
  }

  private blob(index: number): Blob {
    const layer = this.archived.layers[index] as ArchiveLayer;
    const blob = this.files.blob(layer.path);
    if (!blob) throw new PortholeError("NOT_FOUND", `the archive has no ${layer.path} (layer ${index})`);
    return blob;
  }

  /** Layer `index`'s read, started on first use. */
  private layer(index: number): LayerRead {
    const layer = this.archived.layers[existingLayer(this.info, index)] as ArchiveLayer;
    let read = this.reads.get(index);
    if (!read) this.reads.set(index, (read = new LayerRead(this.blob(index), layer)));
    return read;
  }

  private layerIndex(digest: string): number {
    const index = this.archived.layers.findIndex((layer) => layer.digest === digest);
    if (index < 0) throw new PortholeError("NOT_FOUND", `the image has no layer ${digest}`);
    return index;
  }

  private async listings(upTo: number): Promise<LayerEntry[][]> {
    return Promise.all(Array.from({ length: upTo + 1 }, (_, index) => this.layer(index).done.then((done) => done.entries)));
  }

  layerEntries(digest: string): AsyncGenerator<LayerEntry> {
    return this.layer(this.layerIndex(digest)).follow();
  }

  /** The merged filesystem of layers 0..upTo (all by default), with its merge. */
  private merged(upToLayer: number | null = null): Promise<{ merge: FsMerge; fs: FsResponse }> {
    const upTo = existingLayer(this.info, upToLayer ?? this.archived.layers.length - 1);
    let merged = this.merges.get(upTo);
    if (!merged) this.merges.set(upTo, (merged = this.listings(upTo).then((layers) => mergeImage(this.info, layers, MAX_LISTING_BYTES))));
    return merged;
  }

  async fs(upTo: number | null): Promise<FsResponse> {
    return (await this.merged(upTo)).fs;
  }

  async directory(path: string, upTo: number | null, sort?: SortKey): Promise<DirectoryResponse> {
    return directoryOf(await this.fs(upTo), path, sort);
  }

  async search(query: string, upTo: number | null, limit: number, after?: string): Promise<SearchResponse> {
    return searchOf(await this.fs(upTo), query, limit, after);
  }

  async summary(upTo: number | null): Promise<FsSummary> {
    return summaryOf(await this.fs(upTo));
  }

  async changes(index: number, page?: Page, query?: string): Promise<ChangesResponse> {
    existingLayer(this.info, index);
    return changesOf(index, (await this.merged()).merge.changes(index), page, query);
  }

  async changedDirectory(index: number, path: string, sort?: SortKey): Promise<DirectoryResponse> {
    existingLayer(this.info, index);
    return changedDirectoryOf(this.info.digest, index, (await this.merged()).merge.changes(index), path, sort);
  }

  async packages(withFiles: boolean): Promise<PackagesResponse> {
    this.inventory ??= this.merged().then((loaded) => imageInventory(this.info, loaded, async (index) => (await this.layer(index).done).captures));
    const full = await this.inventory;
    return withFiles ? full : { ...full, packages: full.packages.map(withoutFiles) };
  }

  private async locate(path: string, layerDigest: string | null): Promise<EntryLocation> {
    const { merge } = await this.merged();
    if (layerDigest === null) return locateInMerge(merge, path);
    const index = this.layerIndex(layerDigest);
    return bytesToOpen(path, locatedInLayer(merge, index, path), inLayer(index, layerDigest));
  }

  async filePart(file: FileRef, offset: number, length: number): Promise<FilePart> {
    const { layer, ordinal } = await this.locate(cleanPath(file.path), file.layer);
    const entry = (await this.layer(layer).done).entries[ordinal] as LayerEntry;
    const end = Math.min(entry.size, offset + length);
    if (end <= offset) return { bytes: new Uint8Array(0), size: entry.size };
    const blob = this.blob(layer);
    // An uncompressed layer is read in place; a compressed one is inflated up to the file.
    if (entry.offset !== undefined && (await this.uncompressed(blob))) {
      const start = entry.offset + offset;
      return { bytes: new Uint8Array(await blob.slice(start, start + (end - offset)).arrayBuffer()), size: entry.size };
    }
    return { bytes: await entryPart(blob.stream(), ordinal, offset, end - offset), size: entry.size };
  }

  private async uncompressed(blob: Blob): Promise<boolean> {
    const head = new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer());
    return detectCompression(head, head.length < SNIFF_BYTES) === "tar";
  }
}
