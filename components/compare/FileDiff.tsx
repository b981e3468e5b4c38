"use client";

import Link from "next/link";
import { useMemo } from "react";
import { ErrorPanel, Skeleton } from "@/components/ErrorPanel";
import { KIND_COLOUR } from "@/components/change-colours";
import { MetaTable } from "@/components/compare/MetaTable";
import { TextDiff } from "@/components/compare/TextDiff";
import { formatBytes } from "@/lib/core/format";
import { textDiff } from "@/lib/client/text-diff";
import { READ_LIMIT, useFileHead } from "@/lib/client/use-file-head";
import type { DiffChange, DiffEntry } from "@/lib/core/api-types";
import { sideImageUrl } from "@/lib/core/urls";

const hasBytes = (entry: DiffEntry | null) => entry !== null && (entry.type === "file" || entry.type === "hardlink");
/** A NUL byte in the first 8 KiB makes a file binary, as the file viewer decides. */
const isBinary = (bytes: Uint8Array) => bytes.subarray(0, 8192).includes(0);
const decode = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder("utf-8").decode(bytes) : "");

interface FileDiffProps {
  change: DiffChange;
  /** Both images, pinned to their digests. */
  refs: { a: string; b: string };
  /** Which of them are local images (their links stay in this tab's /local/ pages). */
  local: { a?: boolean | undefined; b?: boolean | undefined };
}

/** One path's difference: its metadata side by side, then its bytes as a line diff (text) or their sizes and digests (binary). */
export function FileDiff({ change, refs, local }: FileDiffProps) {
  const { path } = change;
  // Bytes are fetched only when they differ: a mode change needs no download.
  const contentDiffers = change.change !== "modified" || (change.fields ?? []).some((field) => field === "content" || field === "type");
  const file = { path, layer: null };
  const urlA = contentDiffers && hasBytes(change.a) ? { ref: refs.a, file } : null;
  const urlB = contentDiffers && hasBytes(change.b) ? { ref: refs.b, file } : null;
  const a = useFileHead(urlA);
  const b = useFileHead(urlB);
  const loading = (urlA !== null && !a.head && a.error === undefined) || (urlB !== null && !b.head && b.error === undefined);
  const error = a.error ?? b.error;
  const binary = (a.head && isBinary(a.head.bytes)) || (b.head && isBinary(b.head.bytes));
  const ready = (urlA !== null || urlB !== null) && !loading && error === undefined;
  const rows = useMemo(() => (ready && !binary ? textDiff(decode(a.head?.bytes), decode(b.head?.bytes)) : null), [ready, binary, a.head, b.head]);
  const truncated = a.head?.truncated || b.head?.truncated;
  const link = (side: "a" | "b") => sideImageUrl(refs[side], local[side], path);

  return (
    <section role="region" aria-label="File difference" className="rounded border border-zinc-200 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">
        <span className="min-w-0 flex-1 break-all font-mono font-medium" title={path}>
          {path}
        </span>
        <span className={`text-xs font-medium ${KIND_COLOUR[change.change]}`} data-testid="change-kind">
          {change.change}
          {change.fields ? `: ${change.fields.join(", ")}` : ""}
        </span>
        {change.a && (
          <Link href={link("a")} className="rounded border border-zinc-300 px-2 py-0.5 text-xs hover:border-sky-500 dark:border-zinc-700">
            in A
          </Link>
        )}
        {change.b && (
          <Link href={link("b")} className="rounded border border-zinc-300 px-2 py-0.5 text-xs hover:border-sky-500 dark:border-zinc-700">
            in B
          </Link>
        )}
      </div>
      <MetaTable change={change} />
      <div className="border-t border-zinc-200 dark:border-zinc-800">
        {!contentDiffers && hasBytes(change.a) && <p className="p-3 text-sm text-zinc-500">Same content in both images.</p>}
        {loading && (
          <div className="p-3">
            <Skeleton label="Loading both versions" />
          </div>
        )}
        {error !== undefined && (
          <div className="p-3">
            <ErrorPanel error={error} />
          </div>
        )}
        {ready && truncated && (
          <p className="bg-amber-50 px-3 py-1 text-xs text-amber-800 dark:bg-amber-950 dark:text-amber-200">
            Comparing the first {formatBytes(READ_LIMIT)} of each version: the rest is not shown.
          </p>
        )}
        {ready && binary && <p className="p-3 text-sm text-zinc-500">Binary content: compare the sizes and digests above.</p>}
        {ready && !binary && rows === null && (
          <p className="p-3 text-sm text-zinc-500">The versions differ too much to compare line by line here: compare the sizes and digests above.</p>
        )}
        {ready && rows?.length === 0 && <p className="p-3 text-sm text-zinc-500">No line differs in what was read.</p>}
        {rows && rows.length > 0 && <TextDiff rows={rows} />}
      </div>
    </section>
  );
}
