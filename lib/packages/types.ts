/**
 * What a package database says is installed. Each parser in lib/packages reads one kind of database
 * from its files' bytes (Uint8Array: browser-safe, so local images can be read in the browser too)
 * and never throws for a broken database: it reports a problem for that database and returns what
 * it could read, so one bad source never takes down the rest of an inventory.
 */
import type { PackageType } from "@/lib/core/api-types";

export type { PackageType };

export interface FoundPackage {
  type: PackageType;
  name: string;
  /** As the ecosystem writes it: dpkg `[epoch:]upstream[-revision]`, rpm `[epoch:]version-release`, … */
  version: string;
  arch?: string;
  /** The database file (absolute path in the image) this entry comes from. */
  db: string;
  /** Absolute paths the database says the package owns, in the database's order, without duplicates. */
  files?: string[];
}

export interface DatabaseProblem {
  db: string;
  message: string;
}

export interface CatalogResult {
  packages: FoundPackage[];
  problems: DatabaseProblem[];
}

/** The files of an image a parser may read: absolute path → bytes. */
export type ImageFiles = ReadonlyMap<string, Uint8Array>;
