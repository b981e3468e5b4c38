import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { FileHasher, IncrementalHash } from "@/lib/layer/entries";

/**
 * Incremental SHA-256/512 in the browser. Web Crypto hashes only whole buffers, and a layer is
 * hashed as it streams (a 2 GB layer cannot be held), so this is @noble/hashes: audited, pure JS.
 */
export function browserHash(algorithm: "sha256" | "sha512" = "sha256"): IncrementalHash {
  const hash = (algorithm === "sha512" ? sha512 : sha256).create();
  return { update: (chunk) => void hash.update(chunk), hex: () => bytesToHex(hash.digest()) };
}

/** sha256 for files' digests in the browser. */
export const browserFileHasher: FileHasher = { create: () => browserHash(), whole: (bytes) => bytesToHex(sha256(bytes)) };

/** The hash `digest` (`sha256:…` or `sha512:…`) is written with, and a check of it against the bytes hashed. */
export function digestHash(digest: string): { hash: IncrementalHash; actual(): string } {
  const algorithm = digest.startsWith("sha512:") ? "sha512" : "sha256";
  const hash = browserHash(algorithm);
  return { hash, actual: () => `${algorithm}:${hash.hex()}` };
}
