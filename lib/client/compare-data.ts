import { useCallback, useMemo, useState } from "react";
import useSWR from "swr";
import type { DiffResponse } from "@/lib/core/api-types";
import { diffApiUrl, getJson } from "@/lib/client/api";
import { useViewAnswer, useViewSource, type ViewSource } from "@/lib/client/views";
import { compareLoaded, DIFF_PAGE, type ComparedImage } from "@/lib/compare/diff";
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
  /** The comparison, with every page of its changes asked for so far (`next`: more follow). */
  diff: DiffResponse | undefined;
  /** Asks for the next page of changes; null when all of them are here or on their way. */
  loadMore: (() => void) | null;
  /** Why the last page asked for did not come (asking again may bring it). */
  loadMoreError: unknown;
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

/** One side as the comparison needs it, from its own source: the API, or the worker reading its archive. */
async function loadSide(source: ViewSource, ref: string, platform: string | null): Promise<ComparedImage> {
  const image = await source.view(ref, platform).image();
  return { image, fs: await source.view(source.pinned(image), null).fs(null) };
}

/**
 * A comparison with a local side, made here from both merged listings with the server's own pure
 * modules: the server cannot see the local image, and is never told of it.
 */
async function compareHere(source: ViewSource, { a, b, platformA, platformB }: CompareLocation): Promise<DiffResponse> {
  const [left, right] = await Promise.all([loadSide(source, a, platformA), loadSide(source, b, platformB)]);
  return compareLoaded(left, right);
}

/**
 * The comparison the URL names (one request: the server merges both images; with a local side, the
 * page's source routes each side's requests and the difference is computed here). The diff's error does
 * not say which side failed, so when it is one that signing in fixes, each side is asked on its own.
 */
export function useCompareData(location: CompareLocation, first?: DiffResponse): CompareData {
  const { a, b, platformA, platformB } = location;
  const source = useViewSource();
  const here = location.localA || location.localB;
  const diff = useSWR<DiffResponse>(
    here ? ["compare-here", a, b, platformA, platformB] : diffApiUrl(a, b, platformA, platformB, { limit: DIFF_PAGE }),
    here ? () => compareHere(source, location) : getJson,
    // The comparison the server rendered the page with is not asked for again.
    { ...once, fallbackData: first, revalidateOnMount: !first },
  );
  const probe = needsSignIn(diff.error);
  const sideA = useViewAnswer(probe ? a : null, platformA, "image", [], once);
  const sideB = useViewAnswer(probe ? b : null, platformB, "image", [], once);

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
  const { shown, loadMore, loadMoreError } = usePages(diff.data, (after) =>
    getJson<DiffResponse>(diffApiUrl(a, b, platformA, platformB, { limit: DIFF_PAGE, after })),
  );
  return {
    diff: shown,
    loadMore,
    loadMoreError,
    error: diff.error,
    signIn: sides,
    retry: () => mutators.forEach((mutate) => void mutate()),
  };
}

/** A comparison's first page of changes and those asked for after it, one page at a time. */
function usePages(first: DiffResponse | undefined, fetchAfter: (after: string) => Promise<DiffResponse>) {
  const [pages, setPages] = useState<{ for: DiffResponse | undefined; pages: DiffResponse[]; asking: boolean; failure?: unknown }>({
    for: first,
    pages: [],
    asking: false,
  });
  // A new first page (another comparison, asked again) starts afresh (adjusted while rendering).
  if (pages.for !== first) setPages({ for: first, pages: [], asking: false });
  const last = pages.pages.at(-1) ?? first;
  const shown = useMemo(
    () => first && { ...first, changes: [...first.changes, ...pages.pages.flatMap((page) => page.changes)], next: last?.next },
    [first, pages.pages, last],
  );
  const after = last?.next;
  const loadMore = useCallback(() => {
    if (after === undefined) return;
    setPages((now) => ({ ...now, asking: true, failure: undefined }));
    void fetchAfter(after).then(
      (page) => setPages((now) => (now.for === first ? { ...now, pages: [...now.pages, page], asking: false } : now)),
      (failure: unknown) => setPages((now) => (now.for === first ? { ...now, asking: false, failure } : now)),
    );
  }, [after, fetchAfter, first]);
  return { shown, loadMore: after !== undefined && !pages.asking ? loadMore : null, loadMoreError: pages.failure };
}
