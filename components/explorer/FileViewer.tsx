"use client";

import Link from "next/link";
import { useMemo, type ReactNode } from "react";
import { CopyButton } from "@/components/CopyButton";
import { ErrorPanel, Skeleton } from "@/components/ErrorPanel";
import { HexView } from "@/components/explorer/HexView";
import { DownloadLink, FilePreview } from "@/components/explorer/SourceLinks";
import { TextView } from "@/components/explorer/TextView";
import { formatBytes } from "@/lib/core/format";
import type { TreeNode } from "@/lib/core/tree";
import type { FileTarget } from "@/lib/client/views";
import { TEXT_LIMIT, TEXT_PAGE, useFilePages } from "@/lib/client/use-file-pages";
import { rasterImageType } from "@/lib/core/file-types";

interface FileViewerProps {
  node: TreeNode;
  /** The file, in the image pinned by digest. */
  target: FileTarget;
  /** Its first page, when the server rendered it into the page. */
  first?: { text: string; size: number };
  /** An absolute link to this file in this exact image. */
  permalink: string;
  /** Where a link points, when it points inside the image. */
  targetHref: string | null;
  /** The package that owns the file, in the header. */
  owner?: ReactNode;
}

/** The bytes as text, or null for a binary (a NUL byte in the first 8 kB): shown as hex. */
function asText(bytes: Uint8Array): string | null {
  return bytes.subarray(0, 8192).includes(0) ? null : new TextDecoder("utf-8").decode(bytes);
}

/** Shows one file: text with line numbers and highlighting, hex for binaries, previews for images. */
export function FileViewer({ node, target, first, permalink, targetHref, owner }: FileViewerProps) {
  const isImage = rasterImageType(node.name) !== null;
  const firstPage = useMemo(() => first && { bytes: new TextEncoder().encode(first.text), size: first.size }, [first]);
  const readable = (node.type === "file" || node.type === "hardlink") && node.change !== "removed";
  const { bytes, size, loading, error, more } = useFilePages(readable && !isImage ? target : null, firstPage);
  const text = useMemo(() => (bytes ? asText(bytes) : null), [bytes]);

  return (
    <section
      role="region"
      aria-label="File viewer"
      className="flex min-h-0 flex-1 flex-col overflow-hidden rounded border border-zinc-200 dark:border-zinc-800"
    >
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">
        <span className="min-w-0 flex-1 truncate font-mono font-medium" title={node.path}>
          {node.path}
        </span>
        <span className="font-mono text-xs text-zinc-500">
          {node.type} · {formatBytes(node.size)}
          {node.layer !== undefined && node.layer >= 0 ? ` · layer ${node.layer}` : ""}
        </span>
        {owner}
        <CopyButton text={permalink} label="Copy link" />
        {readable && <DownloadLink target={target} size={node.size} name={node.name} />}
      </div>
      <div className="min-h-0 flex-1 overflow-auto">
        {node.change === "removed" && <p className="p-3 text-sm text-rose-600">This layer removes {node.path}.</p>}
        {node.type === "symlink" && (
          <p className="p-3 text-sm">
            Symbolic link to <span className="font-mono">{node.linkname}</span>
            {targetHref && (
              <>
                {" "}
                —{" "}
                <Link href={targetHref} className="text-sky-600 hover:underline">
                  open the target
                </Link>
              </>
            )}
          </p>
        )}
        {node.type === "hardlink" && targetHref && (
          <p className="border-b border-zinc-200 p-3 text-sm dark:border-zinc-800">
            Hard link to{" "}
            <Link href={targetHref} className="font-mono text-sky-600 hover:underline">
              {node.linkname}
            </Link>
          </p>
        )}
        {/* The API serves only raster image types. */}
        {readable && isImage && <FilePreview target={target} size={node.size} alt={`Preview of ${node.name}`} />}
        {readable && !isImage && !bytes && error === undefined && (
          <div className="p-3">
            <Skeleton label="Loading file" />
          </div>
        )}
        {error !== undefined && (
          <div className="p-3">
            <ErrorPanel error={error} />
          </div>
        )}
        {bytes && size !== undefined && text === null && <HexView target={target} head={bytes} size={size} />}
        {bytes && text !== null && <TextView text={text} name={node.name} />}
        {bytes && size !== undefined && text !== null && bytes.length < size && (
          <p className="flex items-center gap-2 bg-amber-50 px-3 py-1 text-xs text-amber-800 dark:bg-amber-950 dark:text-amber-200">
            Showing the first {formatBytes(bytes.length)} of {formatBytes(size)}.
            {bytes.length < TEXT_LIMIT ? (
              <button type="button" disabled={loading} onClick={more} className="rounded border border-amber-400 px-2 disabled:opacity-50">
                {loading ? "Loading…" : `Show the next ${formatBytes(TEXT_PAGE)}`}
              </button>
            ) : (
              "Download it for the rest."
            )}
          </p>
        )}
        {!readable && node.type !== "symlink" && node.change !== "removed" && (
          <p className="p-3 text-sm text-zinc-500">A {node.type} has no content to show.</p>
        )}
      </div>
    </section>
  );
}
