import "server-only";
import { promisify } from "node:util";
import { constants, gzip } from "node:zlib";
import { diskCache } from "@/lib/cache/disk-cache";
import { SharedFlight } from "@/lib/cache/shared-flight";
import { cachedLayerIndex, gzippedIndexKey, layerIndexKey } from "@/lib/service/layer-index";

const gzipped = promisify(gzip);
const making = new SharedFlight<Buffer | string | null>();

/** A layer's cached listing, in the layer endpoint's format: its bytes or its file, plain or gzipped. */
export interface CachedListing {
  body: Buffer | string;
  gzipped: boolean;
}

/**
 * A layer's complete cached listing, as the layer endpoint sends it. Its listing was cached gzipped
 * as well as plain (layer-index.ts): a client that takes gzip gets that, checked and sent as it is,
 * a quarter the size, not megabytes hashed and compressed again for each request. A gzipped form
 * that is gone (evicted, damaged, or never made before it was) is made again from the checked
 * listing. Null when the layer was never listed (or its listing is gone).
 */
export async function cachedListing(digest: string, gzipOk: boolean): Promise<CachedListing | null> {
  const kept = gzipOk ? await diskCache().open(gzippedIndexKey(digest)) : null;
  if (kept) return { body: kept, gzipped: true };
  const plain = await cachedLayerIndex(digest);
  if (plain === null) return null;
  const made = gzipOk ? await making.run(digest, () => gzipListing(digest)) : null;
  return made ? { body: made, gzipped: true } : { body: plain, gzipped: false };
}

/** Gzips the listing, read whole and checked, into its own cache entry; null when the listing is gone. */
async function gzipListing(digest: string): Promise<Buffer | string | null> {
  const bytes = await diskCache().read(layerIndexKey(digest));
  if (!bytes) return null;
  await diskCache().put(gzippedIndexKey(digest), await gzipped(bytes, { level: constants.Z_BEST_SPEED }));
  return diskCache().open(gzippedIndexKey(digest));
}
