import "server-only";
import { createHash } from "node:crypto";
import { PortholeError } from "@/lib/core/errors";
import { manifestFromJson, type ParsedManifest } from "@/lib/registry/manifest-parse";

/** The digest of `bytes` with the algorithm of `like` (sha256 unless it names sha512). */
export function digestOf(bytes: Buffer, like = "sha256:"): string {
  const algorithm = like.startsWith("sha512:") ? "sha512" : "sha256";
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}

/** Content addressing is the law: bytes fetched by digest must hash to it. */
export function verifyDigest(bytes: Buffer, expected: string, what: string): void {
  const actual = digestOf(bytes, expected);
  if (actual !== expected) throw new PortholeError("UPSTREAM_INVALID", `digest mismatch for the ${what}: expected ${expected}, got ${actual}`);
}

/** Parses manifest bytes (JSON) into its kind and parts; see `manifestFromJson`. */
export function parseManifest(bytes: Buffer, contentType: string | null): ParsedManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new PortholeError("UPSTREAM_INVALID", "the registry returned a manifest that is not valid JSON");
  }
  return manifestFromJson(raw, contentType);
}
