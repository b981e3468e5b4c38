import useSWR from "swr";
import type { DiffResponse, ImageInfo } from "@/lib/core/api-types";
import { diffApiUrl, getJson, imageApiUrl } from "@/lib/client/api";
import { PortholeError } from "@/lib/core/errors";
import { parseReference } from "@/lib/core/reference";
import type { CompareLocation } from "@/lib/core/urls";

const once = { revalidateOnFocus: false, revalidateIfStale: false, revalidateOnReconnect: false };

/** An error that signing in to a registry could fix. */
export const needsSignIn = (error: unknown) => error instanceof PortholeError && (error.code === "UNAUTHORIZED" || error.code === "DENIED");

export interface SignInSide {
  side: "a" | "b";
  ref: string;
  registry: string;
}

export interface CompareData {
  diff: DiffResponse | undefined;
  error: unknown;
  /** The sides whose registry wants credentials (known once each side was asked on its own). */
  signIn: SignInSide[];
  /** Asks again, e.g. after signing in. */
  retry: () => void;
}

function registryOf(ref: string): string | null {
  try {
    return parseReference(ref).registry;
  } catch {
    return null;
  }
}

/**
 * The comparison the URL names (one request: the server merges both images). The diff's error does
 * not say which side failed, so when it is one that signing in fixes, each side is asked on its own.
 */
export function useCompareData({ a, b, platformA, platformB }: CompareLocation): CompareData {
  const diff = useSWR<DiffResponse>(diffApiUrl(a, b, platformA, platformB), getJson, once);
  const probe = needsSignIn(diff.error);
  const sideA = useSWR<ImageInfo>(probe ? imageApiUrl(a, platformA) : null, getJson, once);
  const sideB = useSWR<ImageInfo>(probe ? imageApiUrl(b, platformB) : null, getJson, once);

  const sides: SignInSide[] = [];
  const settled = probe && [sideA, sideB].every((side) => side.data !== undefined || side.error !== undefined);
  if (settled) {
    const both = [
      { side: "a" as const, ref: a, error: sideA.error },
      { side: "b" as const, ref: b, error: sideB.error },
    ];
    const failing = both.filter((side) => needsSignIn(side.error));
    // Both sides answered on their own, yet the comparison was refused: offer both registries.
    for (const { side, ref } of failing.length > 0 ? failing : both) {
      const registry = registryOf(ref);
      if (registry !== null && !sides.some((s) => s.registry === registry)) sides.push({ side, ref, registry });
    }
  }

  const mutators = [diff.mutate, sideA.mutate, sideB.mutate];
  return {
    diff: diff.data,
    error: diff.error,
    signIn: sides,
    retry: () => mutators.forEach((mutate) => void mutate()),
  };
}
