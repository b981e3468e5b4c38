"use client";

import { useMemo } from "react";
import { SWRConfig } from "swr";
import { Skeleton } from "@/components/ErrorPanel";
import { CompareExplorer } from "@/components/compare/CompareExplorer";
import { Elsewhere } from "@/components/local/Elsewhere";
import { localSides, routedSource } from "@/lib/client/compare-sources";
import { DataSourceProvider } from "@/lib/client/data-source";
import type { LocalSource } from "@/lib/client/local-source";
import { OWN_CACHE, useLocalArchives } from "@/lib/client/use-local-archives";
import { parseLocalRef } from "@/lib/core/local-ref";
import type { CompareLocation } from "@/lib/core/urls";

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
        <DataSourceProvider value={source}>
          <CompareExplorer location={location} />
        </DataSourceProvider>
      </SWRConfig>
    )
  );
}
