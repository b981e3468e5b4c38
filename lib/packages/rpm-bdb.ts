import { addHeaderPackage, joinParts } from "@/lib/packages/rpm-database";
import { readDatabases, type Report } from "@/lib/packages/text";
import type { CatalogResult, FoundPackage, ImageFiles } from "@/lib/packages/types";

/**
 * rpm's `Packages` database in Berkeley DB's hash format (rpm < 4.16: RHEL/UBI 8, CentOS 7/8, Amazon
 * Linux 2), read-only. Page 0 is the metadata page (byte order, page size, last page, bucket count and
 * the "spares" table that maps buckets to pages); each bucket is a chain of hash pages (linked by
 * next-page numbers) whose items alternate key, value. A value too big for a page sits in a chain of
 * overflow pages. Keys are header numbers (4 bytes), values rpm headers; key 0 holds rpm's
 * next-free-number counter, not a package. Records come in bucket order, as `rpm -qa` lists them.
 *
 * Hostile files: every page number is checked against the file and each page is read at most once (a
 * loop in a chain, or two chains sharing a page, is reported, not followed), so the work and the memory
 * are bounded by the file's size.
 */

/** /var/lib/rpm almost everywhere; SUSE kept it under /usr/lib/sysimage/rpm, rpm-ostree under /usr/share/rpm. */
const DATABASES = ["/var/lib/rpm/Packages", "/usr/lib/sysimage/rpm/Packages", "/usr/share/rpm/Packages"];

const HASH_MAGIC = 0x00061561;
const META = { magic: 12, version: 16, pageSize: 20, type: 25, lastPage: 32, maxBucket: 72, spares: 96 } as const;
const PAGE = { number: 8, next: 16, entries: 20, highFree: 22, type: 25 } as const;
const PAGE_HEADER_SIZE = 26;
const PAGE_TYPE = { hashUnsorted: 2, overflow: 7, hashMeta: 8, hash: 13 } as const;
const ITEM_TYPE = { keyData: 1, duplicate: 2, offPage: 3, offPageDuplicates: 4 } as const;
const OFF_PAGE_ITEM_SIZE = 12;
const SPARES = 32;

interface HashDatabase {
  bytes: Uint8Array;
  view: DataView;
  littleEndian: boolean;
  pageSize: number;
  /** Pages actually in the file (never more than the metadata's last page + 1). */
  pageCount: number;
  maxBucket: number;
  spares: number[];
  /** Pages already read: a page reached twice means a loop or a shared chain. */
  visited: Uint8Array;
  report: Report;
}

/** Whether the Berkeley DB rpm reader needs this image file. */
export function rpmBdbWants(path: string): boolean {
  return DATABASES.includes(path);
}

/** The packages rpm's Berkeley DB databases say are installed, each with the files it owns. */
export function readRpmBdb(files: ImageFiles): CatalogResult {
  return readDatabases(files, DATABASES, readDatabase);
}

function readDatabase(bytes: Uint8Array, db: string, packages: FoundPackage[], report: Report): void {
  const opened = openHashDatabase(bytes, report);
  if (!opened) return;
  for (const { key, value } of records(opened)) {
    if (key.every((byte) => byte === 0)) continue; // rpm's header-number counter
    if (!addHeaderPackage(value, `record ${describeKey(opened, key)}`, db, packages, report)) return;
  }
}

function openHashDatabase(bytes: Uint8Array, report: Report): HashDatabase | undefined {
  const fail = (message: string) => {
    report(message);
    return undefined;
  };
  if (bytes.length < 512) return fail(`is not a Berkeley DB database: ${bytes.length} bytes is less than a metadata page`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The metadata is written in the byte order of the machine that created the database.
  const littleEndian = view.getUint32(META.magic, true) === HASH_MAGIC;
  if (!littleEndian && view.getUint32(META.magic, false) !== HASH_MAGIC) return fail("is not a Berkeley DB hash database (wrong magic number)");
  const u32 = (at: number) => view.getUint32(at, littleEndian);
  const version = u32(META.version);
  if (version < 8 || version > 10) return fail(`has Berkeley DB hash version ${version}, which is not read`);
  if (bytes[META.type] !== PAGE_TYPE.hashMeta) return fail("does not start with a hash metadata page");
  const pageSize = u32(META.pageSize);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return fail(`has an invalid page size ${pageSize}`);
  const declaredPages = u32(META.lastPage) + 1;
  const pageCount = Math.min(declaredPages, Math.floor(bytes.length / pageSize));
  if (pageCount < declaredPages) report(`is truncated: its metadata counts ${declaredPages} pages, the file holds ${pageCount}`);
  const spares = Array.from({ length: SPARES }, (_, i) => u32(META.spares + 4 * i));
  return { bytes, view, littleEndian, pageSize, pageCount, maxBucket: u32(META.maxBucket), spares, visited: new Uint8Array(pageCount), report };
}

const u32At = (db: HashDatabase, at: number) => db.view.getUint32(at, db.littleEndian);
const u16At = (db: HashDatabase, at: number) => db.view.getUint16(at, db.littleEndian);

/** The page of a bucket: the bucket number plus the spares entry for its bit length. */
function bucketPage(db: HashDatabase, bucket: number): number {
  const bitLength = bucket === 0 ? 0 : 32 - Math.clz32(bucket);
  return bucket + (db.spares[bitLength] ?? 0);
}

/**
 * The byte offset of page `number`, if it is a page we may read now (in the file, not the metadata page,
 * not read before, of an expected type and numbered as itself); else reports why and returns undefined.
 */
function claimPage(db: HashDatabase, number: number, types: readonly number[], what: string): number | undefined {
  if (number === 0 || number >= db.pageCount) {
    db.report(`${what} points at page ${number}, outside the file's ${db.pageCount} pages`);
    return undefined;
  }
  if (db.visited[number]) {
    db.report(`${what} reaches page ${number} a second time (a loop in the page chain); stopped there`);
    return undefined;
  }
  db.visited[number] = 1;
  const start = number * db.pageSize;
  if (!types.includes(db.bytes[start + PAGE.type] as number) || u32At(db, start + PAGE.number) !== number) {
    db.report(`${what}: page ${number} is not a page of the expected kind`);
    return undefined;
  }
  return start;
}

function* records(db: HashDatabase): Generator<{ key: Uint8Array; value: Uint8Array }> {
  // A bucket needs a page of its own: more buckets than pages is corruption, and would only waste time.
  const lastBucket = Math.min(db.maxBucket, db.pageCount - 1);
  if (lastBucket < db.maxBucket) db.report(`the metadata claims ${db.maxBucket + 1} buckets in a file of ${db.pageCount} pages`);
  for (let bucket = 0; bucket <= lastBucket; bucket++) {
    let number = bucketPage(db, bucket);
    while (number !== 0) {
      const start = claimPage(db, number, [PAGE_TYPE.hash, PAGE_TYPE.hashUnsorted], `bucket ${bucket}`);
      if (start === undefined) break;
      yield* pageRecords(db, start, number);
      number = u32At(db, start + PAGE.next);
    }
  }
}

/** A hash page's items, in pairs: key at even indexes, value at odd ones. */
function* pageRecords(db: HashDatabase, start: number, number: number): Generator<{ key: Uint8Array; value: Uint8Array }> {
  const items = pageItems(db, start, number);
  for (let i = 0; i + 1 < items.length; i += 2) {
    const key = itemBytes(db, items[i] as Uint8Array, number);
    const value = itemBytes(db, items[i + 1] as Uint8Array, number);
    if (key && value) yield { key, value };
  }
}

/** The raw items of a hash page (type byte included), each ending where the one before it begins. */
function pageItems(db: HashDatabase, start: number, number: number): Uint8Array[] {
  const count = u16At(db, start + PAGE.entries);
  const firstItem = PAGE_HEADER_SIZE + 2 * count;
  if (firstItem > db.pageSize) {
    db.report(`page ${number} claims ${count} items, more than fit on a page`);
    return [];
  }
  const items: Uint8Array[] = [];
  let end = db.pageSize;
  for (let i = 0; i < count; i++) {
    const offset = u16At(db, start + PAGE_HEADER_SIZE + 2 * i);
    if (offset < firstItem || offset >= end) {
      db.report(`page ${number}: item ${i} is at an impossible offset ${offset}`);
      break;
    }
    items.push(db.bytes.subarray(start + offset, start + end));
    end = offset;
  }
  return items;
}

/** An item's bytes: stored on the page, or gathered from its overflow chain. */
function itemBytes(db: HashDatabase, item: Uint8Array, pageNumber: number): Uint8Array | undefined {
  const type = item[0];
  if (type === ITEM_TYPE.keyData) return item.subarray(1);
  if (type === ITEM_TYPE.offPage && item.length >= OFF_PAGE_ITEM_SIZE) {
    const view = new DataView(item.buffer, item.byteOffset, item.byteLength);
    return overflowValue(db, view.getUint32(4, db.littleEndian), view.getUint32(8, db.littleEndian), pageNumber);
  }
  const kind = type === ITEM_TYPE.duplicate || type === ITEM_TYPE.offPageDuplicates ? "duplicate-key items (not used by rpm)" : `item type ${type}`;
  db.report(`page ${pageNumber} holds ${kind}; skipped`);
  return undefined;
}

function overflowValue(db: HashDatabase, firstPage: number, length: number, pageNumber: number): Uint8Array | undefined {
  const what = `the overflow value on page ${pageNumber}`;
  // The parts are gathered before anything is allocated: a claimed length is not trusted until the
  // chain's pages (each read once in the whole file) really add up to it.
  const parts: Uint8Array[] = [];
  let filled = 0;
  for (let number = firstPage; filled < length;) {
    const start = number === 0 ? undefined : claimPage(db, number, [PAGE_TYPE.overflow], what);
    if (start === undefined) {
      if (number === 0) db.report(`${what} ends after ${filled} of its ${length} bytes`);
      return undefined;
    }
    const onPage = u16At(db, start + PAGE.highFree); // on overflow pages this field is the data length
    if (onPage > db.pageSize - PAGE_HEADER_SIZE || onPage > length - filled) {
      db.report(`${what}: page ${number} claims ${onPage} bytes, more than it or the value holds`);
      return undefined;
    }
    parts.push(db.bytes.subarray(start + PAGE_HEADER_SIZE, start + PAGE_HEADER_SIZE + onPage));
    filled += onPage;
    number = u32At(db, start + PAGE.next);
  }
  return joinParts(parts, length);
}

/** A record's key as rpm wrote it (a header number in the database's byte order), for messages. */
function describeKey(db: HashDatabase, key: Uint8Array): string {
  if (key.length !== 4) return `with a ${key.length}-byte key`;
  return String(new DataView(key.buffer, key.byteOffset, 4).getUint32(0, db.littleEndian));
}
