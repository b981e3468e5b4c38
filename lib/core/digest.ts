import { PortholeError } from "@/lib/core/errors";

/**
 * Content digests (`algorithm:hex`), as the OCI image-spec descriptor.md defines them; Porthole
 * reads the registered sha256 and sha512. Browser-safe.
 */
const DIGEST_SHAPE = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };
const KNOWN_DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** A reference's `@digest` pin, at its end: the only `@` a registry reference can hold, while a local file name may hold its own. */
export const DIGEST_PIN = /@(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** Whether `text` is a sha256 or sha512 digest we can verify (lowercase hex of the right length). */
export function isDigest(text: string): boolean {
  return KNOWN_DIGEST.test(text);
}

/** Checks a digest string; throws BAD_REQUEST naming the fault. */
export function parseDigest(digest: string): string {
  const fail = (message: string): never => {
    throw new PortholeError("BAD_REQUEST", message);
  };
  const match = DIGEST_SHAPE.exec(digest);
  if (!match) fail(`"${digest}" is not a digest (expected algorithm:hex, e.g. sha256:…)`);
  const [, algorithm = "", hex = ""] = match ?? [];
  const length = HEX_LENGTH[algorithm];
  if (length === undefined) fail(`unsupported digest algorithm "${algorithm}" (sha256 and sha512 are)`);
  if (!/^[a-f0-9]+$/.test(hex)) fail(`${algorithm} digests are lowercase hex`);
  if (hex.length !== length) fail(`a ${algorithm} digest has ${length} hex characters, not ${hex.length}`);
  return digest;
}

/** The first 12 hex characters, as docker prints image ids. */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha(256|512):/, "").slice(0, 12);
}
