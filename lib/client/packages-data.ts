import { useMemo } from "react";
import type { PackagesResponse } from "@/lib/core/api-types";
import { useViewAnswer } from "@/lib/client/views";
import { ownerIndex, type DirectoryLink, type OwnerIndex } from "@/lib/client/package-owners";

export interface PackagesData {
  /** The inventory: with each package's files once they are asked for and have come. */
  packages: PackagesResponse | undefined;
  /** `packages` lists each package's files. */
  withFiles: boolean;
  /** Nothing could be had. */
  error: unknown;
  /** The inventory came, but its files did not. */
  filesError: unknown;
}

/**
 * The image's packages, layer changes and attack surface, for the pinned ref (null: not known yet).
 * `files`: also ask for each package's files (a bigger answer, so only when they are shown); the
 * lighter answer serves until it comes. Every caller with the same ref shares one request.
 */
export function usePackages(pinned: string | null, files = false): PackagesData {
  const light = useViewAnswer(pinned, null, "packages", [false]);
  const full = useViewAnswer(files ? pinned : null, null, "packages", [true]);
  const packages = full.data ?? light.data;
  return {
    packages,
    withFiles: full.data !== undefined,
    error: packages ? undefined : (light.error ?? full.error),
    filesError: packages ? full.error : undefined,
  };
}

const NO_LINKS: readonly DirectoryLink[] = [];

export interface PackageOwners {
  /** Who owns which file; undefined until the packages with their files have come. */
  owners: OwnerIndex | undefined;
  error: unknown;
}

/**
 * The file ownership of the pinned image, asked for only while `enabled` (a file is shown, or the
 * tree filters by package): the answer with every package's files is big. `links`: the image's
 * directory symlinks, so a file listed as /bin/ls is also /usr/bin/ls.
 */
export function usePackageOwners(pinned: string | null, enabled: boolean, links: readonly DirectoryLink[] = NO_LINKS): PackageOwners {
  const { data, error } = useViewAnswer(enabled ? pinned : null, null, "packages", [true]);
  const owners = useMemo(() => (data ? ownerIndex(data.packages, links) : undefined), [data, links]);
  return { owners, error: owners ? undefined : error };
}
