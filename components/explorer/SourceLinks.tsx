"use client";

import { useEffect, useState } from "react";
import { readTarget, targetKey, useViewSource, type FileTarget } from "@/lib/client/views";

/**
 * A file's bytes as the browser loads them: the API's URL for a registry image; for a local image,
 * an object URL of the bytes the worker read (nothing is fetched from anywhere).
 */
function useFileHref(target: FileTarget, size: number, wanted: boolean, download: boolean): string | null {
  const source = useViewSource();
  const url = source.fileUrl(target, download);
  const key = targetKey(target);
  const [href, setHref] = useState<{ key: string; href: string } | null>(null);
  useEffect(() => {
    if (url !== null || !wanted) return;
    let made: string | null = null;
    let current = true;
    void readTarget(source, key, 0, size).then(({ bytes }) => {
      made = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
      if (current) setHref({ key, href: made });
      else URL.revokeObjectURL(made);
    });
    return () => {
      current = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [url, key, size, wanted, source]);
  if (url !== null) return url;
  return href?.key === key ? href.href : null;
}

/** A raster image's preview: an <img> never runs what it loads. */
export function FilePreview({ target, size, alt }: { target: FileTarget; size: number; alt: string }) {
  const src = useFileHref(target, size, true, false);
  // The preview is the file's own bytes, not a copy next/image would fetch and re-encode on the server.
  // eslint-disable-next-line @next/next/no-img-element -- see above
  return src ? <img src={src} alt={alt} className="m-3 max-w-full" /> : null;
}

/** The file's download: a link to the API, or for a local image the bytes read once asked for. */
export function DownloadLink({ target, size, name }: { target: FileTarget; size: number; name: string }) {
  const { local } = useViewSource();
  const [asked, setAsked] = useState(false);
  const href = useFileHref(target, size, asked, true);
  const className = "rounded border border-zinc-300 px-2 py-0.5 text-xs hover:border-sky-500 dark:border-zinc-700";
  if (!href) {
    return (
      <button type="button" disabled={asked} onClick={() => setAsked(true)} className={className}>
        {asked ? "Reading…" : "Download"}
      </button>
    );
  }
  return (
    <a href={href} download={local ? name : undefined} className={className}>
      {local ? "Save" : "Download"}
    </a>
  );
}
