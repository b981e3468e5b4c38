import "server-only";
import type { LayerEntry } from "@/lib/core/api-types";
import { Recent } from "@/lib/cache/recent";
import { storedBytes, type StoredBytes } from "@/lib/cache/stored-bytes";
import { cachedLayerIndex, collectLayer, drain, layerEntries } from "@/lib/service/layer-index";
import type { LayerSource } from "@/lib/service/layer-source";

/** Of every this many lines of a listing, where the first starts is kept: finding an entry reads at most this many lines. */
const LINES_PER_MARK = 256;
/** Listings kept marked (and open): a million entries take 4 000 marks. */
const MARKED_LISTINGS = 32;
const SCAN_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/** A layer's cached listing, opened, with where every LINES_PER_MARK-th line starts. */
interface MarkedListing {
  bytes: StoredBytes;
  marks: number[];
  entries: number;
  /** Where the entries end (the listing's `done` line starts). */
  end: number;
}

/** Finds where the lines start, in one pass over the bytes (no line is parsed). */
async function marked(bytes: StoredBytes): Promise<MarkedListing> {
  const marks = [0];
  let lines = 0;
  let lastStart = 0;
  let next = 0;
  for (let at = 0; at < bytes.size; at += SCAN_BYTES) {
    const block = await bytes.read(at, Math.min(SCAN_BYTES, bytes.size - at));
    for (let newline = block.indexOf(NEWLINE); newline >= 0; newline = block.indexOf(NEWLINE, newline + 1)) {
      lines += 1;
      lastStart = next;
      next = at + newline + 1;
      if (lines % LINES_PER_MARK === 0) marks.push(next);
    }
  }
  // The last line is the listing's `done`.
  return { bytes, marks, entries: lines - 1, end: lastStart };
}

/** The layer's listing (listed now if it never was), marked; null when the cache cannot keep it. */
async function markListing(layer: LayerSource): Promise<MarkedListing | null> {
  let stored = await cachedLayerIndex(layer.digest);
  if (stored === null) {
    await drain(layerEntries(layer));
    stored = await cachedLayerIndex(layer.digest);
  }
  return stored === null ? null : marked(await storedBytes(stored));
}

const listings = new Recent<MarkedListing | null>(MARKED_LISTINGS, (listing) => listing?.bytes.release());

/**
 * Entry `ordinal` of a layer's listing (its position in tar order): one line of the cached listing
 * read, not the listing, so opening a file of a million-entry layer costs what the file does.
 */
export async function layerEntry(layer: LayerSource, ordinal: number): Promise<LayerEntry | undefined> {
  const listing = await listings.get(layer.digest, () => markListing(layer));
  if (!listing) return (await collectLayer(layer))[ordinal];
  if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal >= listing.entries) return undefined;
  const mark = Math.floor(ordinal / LINES_PER_MARK);
  const from = listing.marks[mark] as number;
  const to = listing.marks[mark + 1] ?? listing.end;
  const lines = (await listing.bytes.read(from, to - from)).toString("utf8").split("\n");
  return JSON.parse(lines[ordinal % LINES_PER_MARK] as string) as LayerEntry;
}
