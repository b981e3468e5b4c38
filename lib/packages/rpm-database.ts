import { readRpmHeader } from "@/lib/packages/rpm-header";
import { MAX_PACKAGES, type Report } from "@/lib/packages/text";
import type { FoundPackage } from "@/lib/packages/types";

/** What the two page-based rpm database readers (Berkeley DB and SQLite) share. */

/**
 * Adds the package of one header blob to `packages`; `record` names the record in problems. Returns
 * false once the catalog is full (MAX_PACKAGES), so the caller stops reading.
 */
export function addHeaderPackage(blob: Uint8Array, record: string, db: string, packages: FoundPackage[], report: Report): boolean {
  if (packages.length >= MAX_PACKAGES) {
    report(`the catalog already holds ${MAX_PACKAGES} packages: the rest of this database is not read`);
    return false;
  }
  const { package: found, problems } = readRpmHeader(blob, db);
  if (found) packages.push(found);
  for (const problem of problems) report(`${record}: ${problem}`);
  return true;
}

/** Joins the parts of a value spread over pages, once they are known to add up to `length`. */
export function joinParts(parts: readonly Uint8Array[], length: number): Uint8Array {
  const joined = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}
