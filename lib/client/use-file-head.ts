import { useEffect, useState } from "react";
import { headOf, type FileHead } from "@/lib/client/api";
import { useDataSource } from "@/lib/client/data-source";

/** How much of a file the viewer reads: enough to show, little enough to highlight quickly. */
export const READ_LIMIT = 2 * 1024 * 1024;

interface Result {
  url: string;
  head?: FileHead;
  error?: unknown;
}

/** The first READ_LIMIT bytes of the file at `url` (null: nothing to read) from the page's data source, or the error reading them. */
export function useFileHead(url: string | null): { head?: FileHead; error?: unknown } {
  const { readFilePart } = useDataSource();
  const [result, setResult] = useState<Result | null>(null);
  useEffect(() => {
    if (url === null) return;
    const controller = new AbortController();
    readFilePart(url, 0, READ_LIMIT, controller.signal).then(
      (part) => setResult({ url, head: headOf(part) }),
      (error: unknown) => {
        if (!controller.signal.aborted) setResult({ url, error });
      },
    );
    return () => controller.abort();
  }, [url, readFilePart]);
  // What was read for an earlier file is not shown for this one while it loads.
  return result !== null && result.url === url ? result : {};
}
