import { useEffect, useState } from "react";
import { readTarget, targetKey, useViewSource, type FileTarget } from "@/lib/client/views";

/** How much of a file the viewer reads: enough to show, little enough to highlight quickly. */
export const READ_LIMIT = 2 * 1024 * 1024;

export interface FileHead {
  bytes: Uint8Array;
  /** The file has more than the bytes read. */
  truncated: boolean;
}

interface Result {
  key: string;
  head?: FileHead;
  error?: unknown;
}

/** The first READ_LIMIT bytes of a file (null: nothing to read) from the page's source, or the error reading them. */
export function useFileHead(target: FileTarget | null): { head?: FileHead; error?: unknown } {
  const source = useViewSource();
  const key = target && targetKey(target);
  const [result, setResult] = useState<Result | null>(null);
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    readTarget(source, key, 0, READ_LIMIT, controller.signal).then(
      ({ bytes, size }) => setResult({ key, head: { bytes, truncated: size > bytes.length } }),
      (error: unknown) => {
        if (!controller.signal.aborted) setResult({ key, error });
      },
    );
    return () => controller.abort();
  }, [key, source]);
  // What was read for an earlier file is not shown for this one while it loads.
  return result !== null && result.key === key ? result : {};
}
