import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { FilePart } from "@/lib/core/image-view";
import { readTarget, targetKey, useViewSource, type FileTarget } from "@/lib/client/views";
import { concatBytes } from "@/lib/core/bytes";

/** A page of text: enough to show, little enough to highlight quickly. */
export const TEXT_PAGE = 2 * 1024 * 1024;
/** What one tab keeps of a text file; the download has the rest. */
export const TEXT_LIMIT = 32 * 1024 * 1024;

interface Pages {
  key: string;
  chunks: Uint8Array[];
  /** The whole file's size, as the source said. */
  size: number;
  loading: boolean;
  error?: unknown;
}

/**
 * A file read from its start a page at a time: the first page when `target` is set (or `first`,
 * when the server rendered it into the page), the next one on `more()`. Each page is a part
 * request, which the server answers without reading the layer again when it was indexed: a 2 GB
 * file shows its first page at once.
 */
export function useFilePages(
  target: FileTarget | null,
  first?: FilePart,
): { bytes?: Uint8Array; size?: number; loading: boolean; error?: unknown; more(): void } {
  const source = useViewSource();
  const key = target && targetKey(target);
  // The server sends less than a page of a big file: it shows at once, and the whole page follows.
  const whole = first !== undefined && first.bytes.length >= Math.min(first.size, TEXT_PAGE);
  const [pages, setPages] = useState<Pages | null>(() => (first && key ? { key, chunks: [first.bytes], size: first.size, loading: !whole } : null));
  // A whole page the server sent is not asked for again.
  const given = useRef(whole ? key : null);
  useEffect(() => {
    if (key === null || key === given.current) return;
    const controller = new AbortController();
    readTarget(source, key, 0, TEXT_PAGE, controller.signal).then(
      (part) => setPages({ key, chunks: [part.bytes], size: part.size, loading: false }),
      (error: unknown) => controller.signal.aborted || setPages({ key, chunks: [], size: 0, loading: false, error }),
    );
    return () => controller.abort();
  }, [key, source]);
  const current = pages !== null && pages.key === key ? pages : null;
  const bytes = useMemo(() => (current && current.chunks.length > 0 ? concatBytes(current.chunks) : undefined), [current]);
  const more = useCallback(() => {
    if (!current || current.loading || bytes === undefined) return;
    setPages({ ...current, loading: true });
    readTarget(source, current.key, bytes.length, TEXT_PAGE).then(
      (part) => setPages((now) => (now?.key === current.key ? { ...now, chunks: [...now.chunks, part.bytes], loading: false } : now)),
      (error: unknown) => setPages((now) => (now?.key === current.key ? { ...now, loading: false, error } : now)),
    );
  }, [current, bytes, source]);
  // What was read for an earlier file is not shown for this one while it loads.
  return current ? { bytes, size: current.size, loading: current.loading, error: current.error, more } : { loading: key !== null, more };
}

/**
 * `length` bytes of a file from `start`: from `head` (the bytes read already) when it holds them,
 * else one part request. For a hex view that jumps anywhere in a file of any size.
 */
export function useFileWindow(
  target: FileTarget,
  head: Uint8Array,
  size: number,
  start: number,
  length: number,
): { bytes?: Uint8Array; error?: unknown } {
  const end = Math.min(start + length, size);
  const inHead = end <= head.length;
  const source = useViewSource();
  const [fetched, setFetched] = useState<{ key: string; bytes?: Uint8Array; error?: unknown } | null>(null);
  const file = targetKey(target);
  const key = `${file}@${start}`;
  useEffect(() => {
    if (inHead) return;
    const controller = new AbortController();
    readTarget(source, file, start, length, controller.signal).then(
      (part) => setFetched({ key, bytes: part.bytes }),
      (error: unknown) => controller.signal.aborted || setFetched({ key, error }),
    );
    return () => controller.abort();
  }, [file, start, length, inHead, key, source]);
  if (inHead) return { bytes: head.subarray(start, end) };
  return fetched?.key === key ? fetched : {};
}
