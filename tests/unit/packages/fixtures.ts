/** Test data for the package-database parsers: real databases from disk, as the layer pass hands them over. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { prng } from "@/tests/support/random";

/** syft's cataloger fixtures, one image root a folder (see its README). The CI clone has ../shared beside the repo. */
export const PKG_FIXTURES = join(import.meta.dirname, "../../../../shared/pkg-fixtures");

/**
 * The regular files under `root` (a root filesystem on disk) that `wants` asks for, keyed by their path
 * in the image: `at` + their path under `root`. Symbolic links are not followed, as in a layer.
 */
export function imageFiles(root: string, wants: (path: string) => boolean, at = ""): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (dir: string, imageDir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const imagePath = `${imageDir}/${entry.name}`;
      if (entry.isDirectory()) walk(join(dir, entry.name), imagePath);
      else if (entry.isFile() && wants(imagePath)) files.set(imagePath, new Uint8Array(readFileSync(join(dir, entry.name))));
    }
  };
  walk(root, at);
  return files;
}

/** One fixture folder of PKG_FIXTURES as image files. */
export const fixture = (name: string, wants: (path: string) => boolean) => imageFiles(join(PKG_FIXTURES, name), wants);

export const utf8 = (text: string) => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

/** `length` random bytes, the same for the same seed. */
export const garbage = (length: number, seed = 0x9a7ba9e) => new Uint8Array(prng(seed).bytes(length));

/** `bytes` with `inserted` put in at `offset`. */
export function spliced(bytes: Uint8Array, offset: number, inserted: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + inserted.length);
  out.set(bytes.subarray(0, offset));
  out.set(inserted, offset);
  out.set(bytes.subarray(offset), offset + inserted.length);
  return out;
}
