import { useCallback, useEffect, useMemo, useState } from "react";
import { useDataSource } from "@/lib/client/data-source";
import { concatBytes } from "@/lib/core/bytes";

/** A page of text: enough to show, little enough to highlight quickly. */
export const TEXT_PAGE = 2 * 1024 * 1024;
/** What one tab keeps of a text file; the download has the rest. */
export const TEXT_LIMIT = 32 * 1024 * 1024;

interface Pages {
  url: string;
  chunks: Uint8Array[];
  /** The whole file's size, as the server said. */
  size: number;
  loading: boolean;
  error?: unknown;
}

/**
 * A file read from its start a page at a time: the first page when `url` is set, the next one
 * on `more()`. Each page is a part request, which the server answers without reading the layer
 * again when it was indexed: a 2 GB file shows its first page at once.
 */
export function useFilePages(url: string | null): { bytes?: Uint8Array; size?: number; loading: boolean; error?: unknown; more(): void } {
  const { readFilePart } = useDataSource();
  const [pages, setPages] = useState<Pages | null>(null);
  useEffect(() => {
    if (url === null) return;
    const controller = new AbortController();
    readFilePart(url, 0, TEXT_PAGE, controller.signal).then(
      (part) => setPages({ url, chunks: [part.bytes], size: part.size, loading: false }),
      (error: unknown) => controller.signal.aborted || setPages({ url, chunks: [], size: 0, loading: false, error }),
    );
    return () => controller.abort();
  }, [url, readFilePart]);
  const current = pages !== null && pages.url === url ? pages : null;
  const bytes = useMemo(() => (current && current.chunks.length > 0 ? concatBytes(current.chunks) : undefined), [current]);
  const more = useCallback(() => {
    if (!current || current.loading || bytes === undefined) return;
    setPages({ ...current, loading: true });
    readFilePart(current.url, bytes.length, TEXT_PAGE, new AbortController().signal).then(
      (part) => setPages((now) => (now?.url === current.url ? { ...now, chunks: [...now.chunks, part.bytes], loading: false } : now)),
      (error: unknown) => setPages((now) => (now?.url === current.url ? { ...now, loading: false, error } : now)),
    );
  }, [current, bytes, readFilePart]);
  // What was read for an earlier file is not shown for this one while it loads.
  return current ? { bytes, size: current.size, loading: current.loading, error: current.error, more } : { loading: url !== null, more };
}

/**
 * `length` bytes of a file from `start`: from `head` (the bytes read already) when it holds them,
 * else one part request. For a hex view that jumps anywhere in a file of any size.
 */
export function useFileWindow(url: string, head: Uint8Array, size: number, start: number, length: number): { bytes?: Uint8Array; error?: unknown } {
  const end = Math.min(start + length, size);
  const inHead = end <= head.length;
  const { readFilePart } = useDataSource();
  const [fetched, setFetched] = useState<{ key: string; bytes?: Uint8Array; error?: unknown } | null>(null);
  const key = `${url}@${start}`;
  useEffect(() => {
    if (inHead) return;
    const controller = new AbortController();
    readFilePart(url, start, length, controller.signal).then(
      (part) => setFetched({ key, bytes: part.bytes }),
      (error: unknown) => controller.signal.aborted || setFetched({ key, error }),
    );
    return () => controller.abort();
  }, [url, start, length, inHead, key, readFilePart]);
  if (inHead) return { bytes: head.subarray(start, end) };
  return fetched?.key === key ? fetched : {};
}
