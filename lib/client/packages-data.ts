import useSWR from "swr";
import type { PackagesResponse } from "@/lib/core/api-types";
import { getJson, packagesApiUrl } from "@/lib/client/api";

// Asked of the ref pinned to its manifest digest: the answer never changes.
const immutable = { revalidateOnFocus: false, revalidateIfStale: false, revalidateOnReconnect: false };

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
  const light = useSWR<PackagesResponse>(pinned ? packagesApiUrl(pinned) : null, getJson, immutable);
  const full = useSWR<PackagesResponse>(pinned && files ? packagesApiUrl(pinned, true) : null, getJson, immutable);
  const packages = full.data ?? light.data;
  return {
    packages,
    withFiles: full.data !== undefined,
    error: packages ? undefined : (light.error ?? full.error),
    filesError: packages ? full.error : undefined,
  };
}
