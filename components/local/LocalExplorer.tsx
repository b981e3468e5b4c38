"use client";

import { SWRConfig } from "swr";
import { Skeleton } from "@/components/ErrorPanel";
import { Elsewhere } from "@/components/local/Elsewhere";
import { LocalImage } from "@/components/local/LocalImage";
import { ViewSourceProvider } from "@/lib/client/views";
import type { LocalSource } from "@/lib/client/local-source";
import { OWN_CACHE, useLocalArchives } from "@/lib/client/use-local-archives";
import { parseLocalRef } from "@/lib/core/local-ref";
import type { Location } from "@/lib/core/urls";

/**
 * The explorer over an archive this tab opened, its data answered by the worker reading it. A link
 * to a local image opened anywhere else (a reload, another browser) finds no archive and says whose
 * machine the image is on.
 */
export function LocalExplorer({ location }: { location: Location }) {
  const { archive } = parseLocalRef(location.ref);
  const { found, retry } = useLocalArchives([archive]);

  if (found === undefined) return <Skeleton label="Opening the archive" />;
  if ("missing" in found) return <Elsewhere location={location} archive={archive} onFound={retry} />;
  return (
    <SWRConfig value={OWN_CACHE}>
      <ViewSourceProvider value={found.sources.get(archive) as LocalSource}>
        <p role="note" className="bg-emerald-50 px-6 py-1 text-sm text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100">
          Local image <span className="font-mono">{archive}</span>: read in this browser tab, nothing uploaded. Links to it work in this tab only.
        </p>
        <LocalImage location={location} />
      </ViewSourceProvider>
    </SWRConfig>
  );
}
