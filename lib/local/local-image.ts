import type { Change, FsResponse, ImageInfo, LayerEntry, PackagesResponse } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { cleanPath } from "@/lib/core/paths";
import type { ArchiveImage, ArchiveLayer } from "@/lib/archive/files";
import { locateInLayerEntries, locateInMerge } from "@/lib/fs/locate";
import type { EntryLocation, FsMerge } from "@/lib/fs/merge";
import { mergeImage } from "@/lib/fs/merge-image";
import { captureSinks, emptyCaptures, type LayerCaptures } from "@/lib/packages/captures";
import { detectCompression, SNIFF_BYTES } from "@/lib/layer/sniff";
import { imageInventory, withoutFiles } from "@/lib/packages/image-inventory";
import type { LocalFiles } from "@/lib/local/archive-files";
import { entryPart, listLayerStream } from "@/lib/local/read-layer";

/** As the server's default PORTHOLE_MAX_LISTING_BYTES. */
const MAX_LISTING_BYTES = 128 * 1024 * 1024;

/** One layer being read: its entries so far (listeners hear of each), then all of them with the captures. */
class LayerRead {
  readonly entries: LayerEntry[] = [];
  readonly listeners = new Set<() => void>();
  readonly done: Promise<{ entries: LayerEntry[]; captures: LayerCaptures }>;

  constructor(blob: Blob, layer: ArchiveLayer) {
    const captures = emptyCaptures();
    this.done = (async () => {
      try {
        for await (const entry of listLayerStream(blob.stream(), layer.check, captureSinks(captures))) {
          this.entries.push(entry);
          for (const listener of this.listeners) listener();
        }
        return { entries: this.entries, captures };
      } finally {
        for (const listener of this.listeners) listener();
      }
    })();
  }
}

/**
 * An image of an archive the user opened, answering what the API answers for registry images
 * (`/api/v1/fs`, `changes`, `packages`, `layer`, `file`) from the same modules: each layer is read
 * once, from the File in place, in this worker.
 */
export class LocalImage {
  private readonly reads = new Map<number, LayerRead>();
  private readonly merges = new Map<number, Promise<{ merge: FsMerge; fs: FsResponse }>>();
  private inventory: Promise<PackagesResponse> | null = null;

  constructor(
    private readonly files: LocalFiles,
    private readonly archived: ArchiveImage,
  ) {}

  get info(): ImageInfo {
    return this.archived.image;
  }

  private blob(index: number): Blob {
    const layer = this.archived.layers[index] as ArchiveLayer;
    const blob = this.files.blob(layer.path);
    if (!blob) throw new PortholeError("NOT_FOUND", `the archive has no ${layer.path} (layer ${index})`);
    return blob;
  }

  /** Layer `index`'s read, started on first use. */
  layer(index: number): LayerRead {
    const layer = this.archived.layers[index];
    if (!layer) throw new PortholeError("NOT_FOUND", `the image has ${this.archived.layers.length} layers; there is no layer ${index}`);
    let read = this.reads.get(index);
    if (!read) this.reads.set(index, (read = new LayerRead(this.blob(index), layer)));
    return read;
  }

  layerIndex(digest: string): number {
    const index = this.archived.layers.findIndex((layer) => layer.digest === digest);
    if (index < 0) throw new PortholeError("NOT_FOUND", `the image has no layer ${digest}`);
    return index;
  }

  private async listings(upTo: number): Promise<LayerEntry[][]> {
    return Promise.all(Array.from({ length: upTo + 1 }, (_, index) => this.layer(index).done.then((done) => done.entries)));
  }

  /** The merged filesystem of layers 0..upTo (all by default), with dive's figures. */
  fs(upToLayer: number | null = null): Promise<{ merge: FsMerge; fs: FsResponse }> {
    const upTo = upToLayer ?? this.archived.layers.length - 1;
    if (upTo < 0 || upTo >= this.archived.layers.length) {
      throw new PortholeError("NOT_FOUND", `the image has ${this.archived.layers.length} layers; there is no layer ${upTo}`);
    }
    let merged = this.merges.get(upTo);
    if (!merged) this.merges.set(upTo, (merged = this.listings(upTo).then((layers) => mergeImage(this.info, layers, MAX_LISTING_BYTES))));
    return merged;
  }

  /** What layer `index` (0 is the bottom) did to the layers below it. */
  async changes(index: number): Promise<Change[]> {
    if (!this.archived.layers[index])
      throw new PortholeError("NOT_FOUND", `the image has ${this.archived.layers.length} layers; there is no layer ${index}`);
    return (await this.fs()).merge.changes(index);
  }

  async packages(withFiles: boolean): Promise<PackagesResponse> {
    this.inventory ??= this.fs().then((loaded) => imageInventory(this.info, loaded, async (index) => (await this.layer(index).done).captures));
    const full = await this.inventory;
    return withFiles ? full : { ...full, packages: full.packages.map(withoutFiles) };
  }

  private async locate(path: string, layerDigest: string | null): Promise<EntryLocation> {
    if (layerDigest === null) return locateInMerge((await this.fs()).merge, path);
    const index = this.layerIndex(layerDigest);
    const { entries } = await this.layer(index).done;
    return locateInLayerEntries(entries, index, path, `layer ${index} (${layerDigest})`, () => this.listings(index));
  }

  /** `length` bytes of a file from `offset`, and its whole size. */
  async filePart(rawPath: string, layerDigest: string | null, offset: number, length: number): Promise<{ bytes: Uint8Array; size: number }> {
    const { layer, ordinal } = await this.locate(cleanPath(rawPath), layerDigest);
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
