import { useEffect, useMemo, useState } from "react";
import { localArchive } from "@/lib/client/local-archives";
import type { LocalSource } from "@/lib/client/local-source";

/** Every archive found open in this tab, or the first that is not. */
export type FoundArchives = { sources: ReadonlyMap<string, LocalSource> } | { missing: string };

/** A fresh SWR cache for a page over local archives: their answers never mix with a registry image's of the same name. */
export const OWN_CACHE = { provider: () => new Map() };

async function find(names: readonly string[]): Promise<FoundArchives> {
  const sources = new Map<string, LocalSource>();
  for (const name of names) {
    const source = await localArchive(name)?.catch(() => null);
    if (!source) return { missing: name };
    sources.set(name, source);
  }
  return { sources };
}

/**
 * The archives (by file name) this tab opened, once each has finished opening (undefined until
 * then). A link to a local image opened anywhere else finds one missing; `retry` looks again
 * after it was opened from the page.
 */
export function useLocalArchives(names: readonly string[]): { found: FoundArchives | undefined; retry: () => void } {
  // File names hold no "/": joined, they make one key for the memo.
  const key = names.join("/");
  const [attempt, setAttempt] = useState(0);
  const pending = useMemo(() => ({ attempt, found: find(key.split("/")) }), [key, attempt]);
  const [settled, setSettled] = useState<{ of: typeof pending; found: FoundArchives } | null>(null);
  useEffect(() => {
    let current = true;
    void pending.found.then((found) => current && setSettled({ of: pending, found }));
    return () => {
      current = false;
    };
  }, [pending]);
  return { found: settled?.of === pending ? settled.found : undefined, retry: () => setAttempt((n) => n + 1) };
}
