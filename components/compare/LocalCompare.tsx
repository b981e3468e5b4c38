"use client";

import { useMemo } from "react";
import { SWRConfig } from "swr";
import { Skeleton } from "@/components/ErrorPanel";
import { CompareExplorer } from "@/components/compare/CompareExplorer";
import { Elsewhere } from "@/components/local/Elsewhere";
import { ImageChoice, imageChoices } from "@/components/local/ImageChoice";
import { localSides, routedSource } from "@/lib/client/compare-sources";
import { useViewAnswer, ViewSourceProvider } from "@/lib/client/views";
import type { LocalSource } from "@/lib/client/local-source";
import { OWN_CACHE, useLocalArchives } from "@/lib/client/use-local-archives";
import { formatLocalRef, parseLocalRef } from "@/lib/core/local-ref";
import { compareUrl, type CompareLocation } from "@/lib/core/urls";

/**
 * A comparison with a local side (or two): each side's data from its own source, the difference
 * computed in this tab. Opened where a local side's file is not, it says so, as a local image's page does.
 */
export function LocalCompare({ location }: { location: CompareLocation }) {
  const { a, b, localA, localB } = location;
  const sides = useMemo(() => localSides({ a, b, localA, localB }), [a, b, localA, localB]);
  const { found, retry } = useLocalArchives(sides.map((ref) => parseLocalRef(ref).archive));
  // One source for the page: the views' effects follow its identity.
  const source = useMemo(
    () =>
      found && "sources" in found
        ? routedSource(new Map(sides.map((ref) => [ref, found.sources.get(parseLocalRef(ref).archive) as LocalSource])))
        : null,
    [found, sides],
  );

  if (found === undefined) return <Skeleton label="Opening the archives" />;
  if ("missing" in found) {
    const side = sides.find((ref) => parseLocalRef(ref).archive === found.missing) ?? found.missing;
    const image = { ref: side, platform: null, view: { kind: "fs", path: "/", upTo: null }, local: true } as const;
    return <Elsewhere location={image} archive={found.missing} onFound={retry} />;
  }
  return (
    source && (
      <SWRConfig value={OWN_CACHE}>
        <ViewSourceProvider value={source}>
          <CompareOrChoose location={location} />
        </ViewSourceProvider>
      </SWRConfig>
    )
  );
}

/**
 * The comparison; or, when a local side names no image of an archive that holds several (the
 * "Compare with…" list offers archives by file name), the choice of that side's image, each a link
 * to the comparison with the choice in the URL. It asks what the comparison asks, so the answer is shared.
 */
function CompareOrChoose({ location }: { location: CompareLocation }) {
  const unnamed = (side: "a" | "b") => {
    const { image, digest } = parseLocalRef(location[side]);
    return (side === "a" ? location.localA : location.localB) === true && image === null && digest === null;
  };
  const options = { revalidateOnFocus: false };
  const a = useViewAnswer(unnamed("a") ? location.a : null, location.platformA, "image", [], options);
  const b = useViewAnswer(unnamed("b") ? location.b : null, location.platformB, "image", [], options);
  if ([a, b].some((side) => side.isLoading)) return <Skeleton label="Opening the archives" />;
  const side = imageChoices(a.error) ? "a" : imageChoices(b.error) ? "b" : null;
  if (!side) return <CompareExplorer location={location} />;
  const { archive } = parseLocalRef(location[side]);
  const href = (name: string) => compareUrl({ ...location, [side]: formatLocalRef({ archive, image: name, digest: null }) });
  return (
    <ImageChoice
      archive={archive}
      names={imageChoices((side === "a" ? a : b).error) as string[]}
      href={href}
      purpose={`to compare as side ${side.toUpperCase()}`}
    />
  );
}
