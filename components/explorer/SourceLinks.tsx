"use client";

import { useEffect, useState } from "react";
import { useDataSource } from "@/lib/client/data-source";

/**
 * A file's bytes as the browser loads them: the API's URL for a registry image; for a local image,
 * an object URL of the bytes the worker read (nothing is fetched from anywhere).
 */
function useFileHref(url: string, size: number, wanted: boolean): string | null {
  const { fileHref, local } = useDataSource();
  const [href, setHref] = useState<{ url: string; href: string } | null>(null);
  useEffect(() => {
    if (!local || !wanted) return;
    let made: string | null = null;
    let current = true;
    void fileHref(url, size).then((value) => {
      made = value;
      if (current) setHref({ url, href: value });
      else URL.revokeObjectURL(value);
    });
    return () => {
      current = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [url, size, wanted, local, fileHref]);
  if (!local) return url;
  return href?.url === url ? href.href : null;
}

/** A raster image's preview: an <img> never runs what it loads. */
export function FilePreview({ url, size, alt }: { url: string; size: number; alt: string }) {
  const src = useFileHref(url, size, true);
  // The preview is the file's own bytes, not a copy next/image would fetch and re-encode on the server.
  // eslint-disable-next-line @next/next/no-img-element -- see above
  return src ? <img src={src} alt={alt} className="m-3 max-w-full" /> : null;
}

/** The file's download: a link to the API, or for a local image the bytes read once asked for. */
export function DownloadLink({ url, size, name }: { url: string; size: number; name: string }) {
  const { local } = useDataSource();
  const [asked, setAsked] = useState(false);
  const href = useFileHref(url, size, asked);
  const className = "rounded border border-zinc-300 px-2 py-0.5 text-xs hover:border-sky-500 dark:border-zinc-700";
  if (local && !href) {
    return (
      <button type="button" disabled={asked} onClick={() => setAsked(true)} className={className}>
        {asked ? "Reading…" : "Download"}
      </button>
    );
  }
  return (
    <a href={href ?? url} download={local ? name : undefined} className={className}>
      {local ? "Save" : "Download"}
    </a>
  );
}
