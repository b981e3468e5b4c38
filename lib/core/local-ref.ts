import { DIGEST_PIN } from "@/lib/core/digest";

/**
 * A local image (an archive opened in this browser tab, never uploaded) is named like a registry
 * image, so the explorer's URLs and requests work unchanged: `{file}` or `{file}/{image}` (a tag or
 * `@N` of a `docker save`, a `ref.name` of an OCI layout), pinned as `…@sha256:…`. A file name
 * never holds a `/`, so the first one ends it.
 */
export interface LocalRef {
  /** The file (or folder) name the user opened. */
  archive: string;
  /** Which image of the archive, when it holds several. */
  image: string | null;
  /** The manifest digest it was pinned to. */
  digest: string | null;
}

export function parseLocalRef(ref: string): LocalRef {
  const pin = DIGEST_PIN.exec(ref);
  const bare = pin ? ref.slice(0, pin.index) : ref;
  const slash = bare.indexOf("/");
  return {
    archive: slash === -1 ? bare : bare.slice(0, slash),
    image: slash === -1 ? null : bare.slice(slash + 1) || null,
    digest: pin ? (pin[1] as string) : null,
  };
}

export function formatLocalRef({ archive, image, digest }: LocalRef): string {
  return `${archive}${image ? `/${image}` : ""}${digest ? `@${digest}` : ""}`;
}
