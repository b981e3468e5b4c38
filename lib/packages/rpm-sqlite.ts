import { addHeaderPackage, joinParts } from "@/lib/packages/rpm-database";
import { readDatabases, type Report } from "@/lib/packages/text";
import type { CatalogResult, FoundPackage, ImageFiles } from "@/lib/packages/types";

/**
 * rpm's SQLite database (rpm ≥ 4.16: Fedora 33+, RHEL/UBI 9, Amazon Linux 2023), read with a small
 * read-only reader of the SQLite file format of our own rather than a WASM SQLite (sql.js): we need one
 * table scan, not SQL, and this stays synchronous, has no WASM to locate and load in a server route or
 * the browser, and checks every page number and length against the file, so a hostile file costs at most
 * a pass over its pages.
 *
 * The table is `Packages(hnum INTEGER PRIMARY KEY, blob BLOB)`: `hnum` is the rowid, `blob` an rpm
 * header. The schema table (the b-tree on page 1) says which page is the root of `Packages`; its rows
 * are walked in rowid order (rpm's own `-qa` order), each payload gathered from its page and the
 * overflow chain that holds the rest of a big one.
 *
 * In WAL mode committed changes can still sit in `rpmdb.sqlite-wal`; rpm checkpoints it when it closes,
 * so images carry an empty one. A WAL that is not empty is reported: the list may then be stale.
 */

/** Fedora 36+ keeps the database under /usr/lib/sysimage/rpm, rpm-ostree under /usr/share/rpm (/var/lib/rpm a link to it). */
const DATABASES = ["/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite", "/usr/share/rpm/rpmdb.sqlite"];
const WAL_SUFFIX = "-wal";

const MAGIC = "SQLite format 3\0";
const FILE_HEADER_SIZE = 100;
const PAGE_TYPE = { interiorTable: 5, leafTable: 13 } as const;
const TEXT_ENCODING_UTF8 = 1;
const PACKAGES_BLOB_COLUMN = 1;

interface SqliteFile {
  bytes: Uint8Array;
  view: DataView;
  pageSize: number;
  /** Usable bytes per page: the page size less the bytes reserved at each page's end. */
  usable: number;
  pageCount: number;
  /** Pages already read: a page reached twice is a loop or a shared page, never a sound database. */
  visited: Uint8Array;
  report: Report;
}

type Value = null | number | string | Uint8Array;

interface Row {
  rowid: number;
  payload: Uint8Array;
}

/** Whether the SQLite rpm reader needs this image file. */
export function rpmSqliteWants(path: string): boolean {
  return DATABASES.some((db) => path === db || path === db + WAL_SUFFIX);
}

/** The packages rpm's SQLite databases say are installed, each with the files it owns. */
export function readRpmSqlite(files: ImageFiles): CatalogResult {
  return readDatabases(files, DATABASES, (bytes, db, packages, report) => {
    const walLength = files.get(db + WAL_SUFFIX)?.length ?? 0;
    if (walLength > 0) report(`has a write-ahead log of ${walLength} bytes not yet checkpointed into it: the list may be stale`);
    readDatabase(bytes, db, packages, report);
  });
}

function readDatabase(bytes: Uint8Array, db: string, packages: FoundPackage[], report: Report): void {
  const file = openSqlite(bytes, report);
  if (!file) return;
  const root = tableRoot(file, "Packages");
  if (root === undefined) {
    report("has no Packages table");
    return;
  }
  for (const row of tableRows(file, root)) {
    const blob = recordValues(row.payload)?.[PACKAGES_BLOB_COLUMN];
    if (!(blob instanceof Uint8Array)) report(`row ${row.rowid}: holds no header blob`);
    else if (!addHeaderPackage(blob, `row ${row.rowid}`, db, packages, report)) return;
  }
}

function openSqlite(bytes: Uint8Array, report: Report): SqliteFile | undefined {
  const fail = (message: string) => {
    report(message);
    return undefined;
  };
  if (bytes.length < FILE_HEADER_SIZE || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC)
    return fail("is not an SQLite database");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return fail(`has an invalid page size ${rawPageSize}`);
  const usable = pageSize - (bytes[20] as number);
  if (usable < 480) return fail(`reserves ${bytes[20]} bytes of each ${pageSize}-byte page, more than SQLite allows`);
  if (view.getUint32(56) > TEXT_ENCODING_UTF8) return fail("stores text as UTF-16, which rpm never does");
  const pageCount = Math.floor(bytes.length / pageSize);
  // The header's page count is only trusted when written by a SQLite that also set "valid-for".
  const declared = view.getUint32(24) === view.getUint32(92) ? view.getUint32(28) : 0;
  if (declared > pageCount) report(`is truncated: its header counts ${declared} pages, the file holds ${pageCount}`);
  return { bytes, view, pageSize, usable, pageCount, visited: new Uint8Array(pageCount + 1), report };
}

/** The byte offset of page `number` (1-based) if it may be read now; else reports why and returns undefined. */
function claimPage(file: SqliteFile, number: number, what: string): number | undefined {
  if (number < 1 || number > file.pageCount) {
    file.report(`${what} points at page ${number}, outside the file's ${file.pageCount} pages`);
    return undefined;
  }
  if (file.visited[number]) {
    file.report(`${what} reaches page ${number} a second time (a loop); stopped there`);
    return undefined;
  }
  file.visited[number] = 1;
  return (number - 1) * file.pageSize;
}

/** The root page of the table called `name`, from the schema table on page 1. */
function tableRoot(file: SqliteFile, name: string): number | undefined {
  for (const row of tableRows(file, 1)) {
    const [type, rowName, , rootPage] = recordValues(row.payload) ?? [];
    if (type === "table" && typeof rowName === "string" && rowName.toLowerCase() === name.toLowerCase() && typeof rootPage === "number") {
      return rootPage;
    }
  }
  return undefined;
}

/** The rows of the table b-tree rooted at `root`, in rowid order (depth first, left to right). */
function* tableRows(file: SqliteFile, root: number): Generator<Row> {
  const pending = [root];
  for (let number = pending.pop(); number !== undefined; number = pending.pop()) {
    const start = claimPage(file, number, `the b-tree of root page ${root}`);
    if (start === undefined) continue;
    // Page 1 begins with the file header; its b-tree header follows.
    const header = start + (number === 1 ? FILE_HEADER_SIZE : 0);
    const type = file.bytes[header];
    const cells = cellOffsets(file, number, header, type === PAGE_TYPE.interiorTable ? 12 : 8);
    if (type === PAGE_TYPE.interiorTable) {
      const children = cells.map((cell) => file.view.getUint32(start + cell));
      children.push(file.view.getUint32(header + 8)); // the right-most child
      pending.push(...children.reverse());
    } else if (type === PAGE_TYPE.leafTable) {
      for (const cell of cells) {
        const row = leafRow(file, start, cell, number);
        if (row) yield row;
      }
    } else file.report(`page ${number} is not a table b-tree page (type ${type})`);
  }
}

/** The page-relative offsets of a b-tree page's cells, each checked to lie within the page. */
function cellOffsets(file: SqliteFile, number: number, header: number, headerSize: number): number[] {
  const start = (number - 1) * file.pageSize;
  const count = file.view.getUint16(header + 3);
  const cellsStart = header + headerSize + 2 * count - start;
  if (cellsStart > file.usable) {
    file.report(`page ${number} claims ${count} cells, more than fit on a page`);
    return [];
  }
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    const offset = file.view.getUint16(header + headerSize + 2 * i);
    // SQLite never makes a cell smaller than 4 bytes.
    if (offset < cellsStart || offset + 4 > file.usable) file.report(`page ${number}: cell ${i} is at an impossible offset ${offset}`);
    else offsets.push(offset);
  }
  return offsets;
}

/** A table leaf cell: payload length, rowid, the payload's first part, then its overflow chain. */
function leafRow(file: SqliteFile, start: number, cell: number, pageNumber: number): Row | undefined {
  const page = file.bytes.subarray(start, start + file.usable);
  const length = readVarint(page, cell);
  const rowid = length && readVarint(page, length.next);
  if (!length || !rowid) {
    file.report(`page ${pageNumber}: a cell runs past the page`);
    return undefined;
  }
  const local = localPayloadSize(file.usable, length.value);
  const payloadStart = rowid.next;
  const overflowPointer = payloadStart + local;
  const needed = local < length.value ? overflowPointer + 4 : overflowPointer;
  if (needed > page.length) {
    file.report(`page ${pageNumber}: row ${rowid.value} runs past the page`);
    return undefined;
  }
  const first = page.subarray(payloadStart, overflowPointer);
  if (local === length.value) return { rowid: rowid.value, payload: first };
  const rest = overflowPayload(file, file.view.getUint32(start + overflowPointer), length.value - local, `row ${rowid.value}`);
  return rest && { rowid: rowid.value, payload: joinParts([first, ...rest], length.value) };
}

/** How much of a table-leaf payload of `length` bytes SQLite keeps on the b-tree page itself. */
function localPayloadSize(usable: number, length: number): number {
  const maxLocal = usable - 35;
  if (length <= maxLocal) return length;
  const minLocal = Math.floor(((usable - 12) * 32) / 255) - 23;
  const local = minLocal + ((length - minLocal) % (usable - 4));
  return local <= maxLocal ? local : minLocal;
}

/** `remaining` bytes from the overflow chain starting at `first`: each page a next-page number, then data. */
function overflowPayload(file: SqliteFile, first: number, remaining: number, what: string): Uint8Array[] | undefined {
  // Gathered before anything is allocated: a claimed length is not trusted until the pages (each read
  // once in the whole file) really add up to it.
  const parts: Uint8Array[] = [];
  for (let number = first; remaining > 0;) {
    if (number === 0) file.report(`${what}'s overflow chain ends ${remaining} bytes early`);
    const start = number === 0 ? undefined : claimPage(file, number, `${what}'s overflow chain`);
    if (start === undefined) return undefined;
    const part = file.bytes.subarray(start + 4, start + 4 + Math.min(remaining, file.usable - 4));
    parts.push(part);
    remaining -= part.length;
    number = file.view.getUint32(start);
  }
  return parts;
}

/** SQLite's varint: 1 to 9 bytes, 7 bits each, big-endian; the 9th byte gives all 8 of its bits. */
function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    const byte = bytes[at + i];
    if (byte === undefined) return undefined;
    if (i === 8) return { value: value * 256 + byte, next: at + 9 };
    value = value * 128 + (byte & 0x7f);
    if (byte < 0x80) return { value, next: at + i + 1 };
  }
  return undefined;
}

/** A record's values: a header of serial types, then the values they describe. Undefined if malformed. */
function recordValues(payload: Uint8Array): Value[] | undefined {
  const headerSize = readVarint(payload, 0);
  if (!headerSize || headerSize.value > payload.length) return undefined;
  const values: Value[] = [];
  let body = headerSize.value;
  for (let at = headerSize.next; at < headerSize.value;) {
    const serialType = readVarint(payload, at);
    if (!serialType) return undefined;
    at = serialType.next;
    const size = serialTypeSize(serialType.value);
    if (body + size > payload.length) return undefined;
    values.push(decodeValue(serialType.value, payload.subarray(body, body + size)));
    body += size;
  }
  return values;
}

const INTEGER_SIZES = [0, 1, 2, 3, 4, 6, 8, 8, 0, 0];

function serialTypeSize(serialType: number): number {
  if (serialType >= 12) return Math.floor((serialType - 12) / 2);
  return INTEGER_SIZES[serialType] ?? 0;
}

function decodeValue(serialType: number, bytes: Uint8Array): Value {
  if (serialType >= 12) return serialType % 2 === 0 ? bytes : new TextDecoder().decode(bytes);
  if (serialType === 8 || serialType === 9) return serialType - 8;
  if (serialType === 0 || serialType === 7) return null; // floats never matter here
  // Big-endian two's complement integers; rootpage and friends fit a double exactly.
  let value = bytes[0] !== undefined && bytes[0] >= 0x80 ? -1 : 0;
  for (const byte of bytes) value = value * 256 + byte;
  return value;
}
