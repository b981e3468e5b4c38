"use client";

import { useEffect, useMemo, useState } from "react";
import { SWRConfig } from "swr";
import { Skeleton } from "@/components/ErrorPanel";
import { Explorer } from "@/components/explorer/Explorer";
import { Elsewhere } from "@/components/local/Elsewhere";
import { DataSourceProvider } from "@/lib/client/data-source";
import { localArchive } from "@/lib/client/local-archives";
import type { LocalSource } from "@/lib/client/local-source";
import { parseLocalRef } from "@/lib/core/local-ref";
import type { Location } from "@/lib/core/urls";

/** A fresh SWR cache: a local image's answers never mix with a registry image's of the same name. */
const ownCache = { provider: () => new Map() };

/**
 * The explorer over an archive this tab opened, its data answered by the worker reading it. A link
 * to a local image opened anywhere else (a reload, another browser) finds no archive and says whose
 * machine the image is on.
 */
export function LocalExplorer({ location }: { location: Location }) {
  const { archive } = parseLocalRef(location.ref);
  // Bumped when the archive is opened from this page: look for it again.
  const [attempt, setAttempt] = useState(0);
  const opened = useMemo(() => (attempt >= 0 ? localArchive(archive) : null), [archive, attempt]);
  const [settled, setSettled] = useState<{ of: Promise<LocalSource>; source: LocalSource | null } | null>(null);
  useEffect(() => {
    if (!opened) return;
    let current = true;
    opened.then(
      (source) => current && setSettled({ of: opened, source }),
      () => current && setSettled({ of: opened, source: null }),
    );
    return () => {
      current = false;
    };
  }, [opened]);
  const source = !opened ? null : settled?.of === opened ? settled.source : undefined;

  if (source === undefined) return <Skeleton label="Opening the archive" />;
  if (source === null) return <Elsewhere location={location} archive={archive} onFound={() => setAttempt((n) => n + 1)} />;
  return (
    <SWRConfig value={ownCache}>
      <DataSourceProvider value={source}>
        <p role="note" className="bg-emerald-50 px-6 py-1 text-sm text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100">
          Local image <span className="font-mono">{archive}</span>: read in this browser tab, nothing uploaded. Links to it work in this tab only.
        </p>
        <Explorer location={location} />
      </DataSourceProvider>
    </SWRConfig>
  );
}
