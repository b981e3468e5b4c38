import "server-only";
import { contentCache } from "@/lib/cache/content-cache";
import { cachedLayerIndex, gzippedIndexKey, storeGzippedIndex } from "@/lib/service/layer-index";

/** A layer's cached listing, in the layer endpoint's format: its bytes or its file, plain or gzipped. */
export interface CachedListing {
  body: Buffer | string;
  gzipped: boolean;
}

/**
 * A layer's complete cached listing, as the layer endpoint sends it. A listing is cached gzipped as
 * well as plain once it is whole (layer-index.ts): a client that takes gzip gets that, checked and
 * sent as it is, a quarter the size, not megabytes hashed and compressed again for each request.
 * A gzipped form that is gone (evicted, damaged, or not made yet) is made again from the checked
 * listing. Null when the layer was never listed (or its listing is gone).
 */
export async function cachedListing(digest: string, gzipOk: boolean): Promise<CachedListing | null> {
  const kept = gzipOk ? await contentCache().open(gzippedIndexKey(digest)) : null;
  if (kept) return { body: kept, gzipped: true };
  const plain = await cachedLayerIndex(digest);
  if (plain === null) return null;
  const made = gzipOk && (await storeGzippedIndex(digest)) ? await contentCache().open(gzippedIndexKey(digest)) : null;
  return made ? { body: made, gzipped: true } : { body: plain, gzipped: false };
}
