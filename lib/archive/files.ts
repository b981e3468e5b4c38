import { PortholeError } from "@/lib/core/errors";
import type { ImageInfo } from "@/lib/core/api-types";
import { cleanPath } from "@/lib/core/paths";
import { MANIFEST_LIMIT } from "@/lib/registry/manifest-parse";

/**
 * What the archive readers (docker-archive, OCI layout) need of where the archive is: a tar file
 * or a folder on disk (the command line), or a File in a Web Worker (the browser). Browser-safe:
 * the format logic only asks for files by path; whoever implements this does the I/O.
 */
export interface ArchiveFiles {
  /** A file's size in bytes, or null when the archive has no such file. */
  size(path: string): Promise<number | null>;
  /** A file's bytes (only small ones are asked for: manifests, indexes and configs), or null when absent. */
  read(path: string): Promise<Uint8Array | null>;
}

/** One layer of an archived image: which file holds its bytes and what they must hash to. */
export interface ArchiveLayer {
  path: string;
  /** The layer's identity (see ImageInfo.layers): a blob digest, or for a docker-archive the diff_id. */
  digest: string;
  /** Checked as the layer streams: the digest of the bytes as stored, and of the uncompressed tar. */
  check: { digest?: string; diffId?: string | null };
}

/** An image found in an archive: as the API describes it, and where its layers are. */
export interface ArchiveImage {
  image: ImageInfo;
  layers: ArchiveLayer[];
}

/** Where an archive is, as ImageInfo names it (`registry` is the transport, `repository` the path). */
export interface ArchiveOrigin {
  ref: string;
  registry: string;
  repository: string;
}

/** Member names as archives write them (`./x`, `x`, `/x`) reduced to one key: `x`. */
export const memberPath = (name: string) => cleanPath(name).slice(1);

/** A small JSON document of the archive (capped like a registry's manifests); NOT_FOUND when absent. */
export async function readArchiveJson(files: ArchiveFiles, path: string, what: string): Promise<{ bytes: Uint8Array; json: unknown }> {
  const size = await files.size(path);
  if (size === null) throw new PortholeError("NOT_FOUND", `the archive has no ${path} (${what})`);
  if (size > MANIFEST_LIMIT) throw new PortholeError("TOO_LARGE", `the archive's ${path} (${what}) is ${size} bytes, over ${MANIFEST_LIMIT}`);
  const bytes = (await files.read(path)) as Uint8Array;
  try {
    return { bytes, json: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch {
    throw new PortholeError("UPSTREAM_INVALID", `the archive's ${path} (${what}) is not valid JSON`);
  }
}

/** `sha256:<hex>` (or sha512, like `like`) of bytes, with the Web Crypto API the browser and Node both have. */
export async function digestOfBytes(bytes: Uint8Array, like = "sha256:"): Promise<string> {
  const algorithm = like.startsWith("sha512:") ? "sha512" : "sha256";
  const hash = new Uint8Array(await crypto.subtle.digest(algorithm === "sha512" ? "SHA-512" : "SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return `${algorithm}:${Array.from(hash, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}
