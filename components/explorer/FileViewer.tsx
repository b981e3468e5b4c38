"use client";

import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { CopyButton } from "@/components/CopyButton";
import { ErrorPanel, Skeleton } from "@/components/ErrorPanel";
import { PortholeError } from "@/lib/core/errors";
import { formatBytes } from "@/lib/client/format";
import { rasterImageType } from "@/lib/core/file-types";
import { highlight, languageFor } from "@/lib/client/highlight";
import type { TreeNode } from "@/lib/client/tree";
import { lineHash, parseLineHash } from "@/lib/core/urls";

const READ_LIMIT = 2 * 1024 * 1024;
const PAGE_LINES = 2000;
const LINE_HEIGHT = 20;

interface Loaded {
  bytes: Uint8Array;
  truncated: boolean;
}

/** Reads at most READ_LIMIT bytes of a file, then stops the download: large files are shown in part. */
async function readHead(url: string, signal: AbortSignal): Promise<Loaded> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw PortholeError.fromJSON(response.status, await response.json().catch(() => null));
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
    if (length >= READ_LIMIT) {
      await reader.cancel();
      break;
    }
  }
  const bytes = new Uint8Array(Math.min(length, READ_LIMIT));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
  }
  return { bytes, truncated: length >= READ_LIMIT };
}

function useHash(): [string, (hash: string) => void] {
  const [hash, setHash] = useState("");
  useEffect(() => {
    const update = () => setHash(window.location.hash);
    update();
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return [
    hash,
    (next) => {
      history.replaceState(null, "", `${window.location.pathname}${window.location.search}${next}`);
      setHash(next);
    },
  ];
}

function HexView({ bytes }: { bytes: Uint8Array }) {
  const rows = [];
  const shown = Math.min(bytes.length, 64 * 1024);
  for (let offset = 0; offset < shown; offset += 16) {
    const slice = [...bytes.subarray(offset, offset + 16)];
    rows.push(
      `${offset.toString(16).padStart(8, "0")}  ${slice.map((b) => b.toString(16).padStart(2, "0")).join(" ").padEnd(47)}  ${slice.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join("")}`,
    );
  }
  return (
    <pre data-testid="hex-view" className="overflow-auto p-3 text-xs leading-5">
      {rows.join("\n")}
      {bytes.length > shown ? `\n… ${formatBytes(bytes.length - shown)} more in the download` : ""}
    </pre>
  );
}

function TextView({ text, name }: { text: string; name: string }) {
  const [hash, setHash] = useHash();
  const [pages, setPages] = useState(1);
  const lines = useMemo(() => text.split("\n"), [text]);
  if (lines.at(-1) === "") lines.pop();
  const range = parseLineHash(hash);
  const shownCount = Math.min(lines.length, pages * PAGE_LINES, Math.max(PAGE_LINES, range?.to ?? 0));
  const shown = lines.slice(0, shownCount).join("\n");
  const html = useMemo(() => highlight(shown, languageFor(name)), [shown, name]);
  const [anchor, setAnchor] = useState<number | null>(null);

  useEffect(() => {
    if (range) document.getElementById(`L${range.from}`)?.scrollIntoView({ block: "center" });
  }, []); // once: a link that opens on a selection scrolls to it

  const select = (line: number, extend: boolean) => {
    const from = extend && anchor !== null ? anchor : line;
    if (!extend) setAnchor(line);
    setHash(lineHash({ from: Math.min(from, line), to: Math.max(from, line) }));
  };

  return (
    <div className="relative flex font-mono text-[13px]" style={{ lineHeight: `${LINE_HEIGHT}px` }}>
      {range && (
        <div
          aria-hidden="true"
          data-testid="line-selection"
          className="pointer-events-none absolute left-0 right-0 bg-amber-200/50 dark:bg-amber-500/20"
          style={{ top: (range.from - 1) * LINE_HEIGHT + 12, height: (range.to - range.from + 1) * LINE_HEIGHT }}
        />
      )}
      <div className="select-none py-3 pr-3 text-right text-zinc-400">
        {Array.from({ length: shownCount }, (_, i) => (
          <button
            key={i}
            id={`L${i + 1}`}
            type="button"
            data-line={i + 1}
            aria-label={`Line ${i + 1}`}
            aria-pressed={range ? i + 1 >= range.from && i + 1 <= range.to : false}
            onClick={(event) => select(i + 1, event.shiftKey)}
            className="block w-full pl-3 text-right hover:text-sky-600 aria-pressed:font-semibold aria-pressed:text-amber-700"
          >
            {i + 1}
          </button>
        ))}
      </div>
      {html !== null ? (
        <pre className="hljs min-w-0 flex-1 overflow-x-auto py-3 pr-3">
          <code dangerouslySetInnerHTML={{ __html: html }} />
        </pre>
      ) : (
        <pre className="min-w-0 flex-1 overflow-x-auto py-3 pr-3">
          <code>{shown}</code>
        </pre>
      )}
      {shownCount < lines.length && (
        <button type="button" onClick={() => setPages(pages + 1)} className="absolute bottom-0 left-1/2 -translate-x-1/2 rounded bg-sky-600 px-3 py-1 text-xs text-white">
          Show {Math.min(PAGE_LINES, lines.length - shownCount)} more lines ({lines.length - shownCount} left)
        </button>
      )}
    </div>
  );
}

/** Shows one file: text with line numbers and highlighting, hex for binaries, previews for images. */
export function FileViewer({ node, fileUrl, downloadUrl, permalink, targetHref }: { node: TreeNode; fileUrl: string; downloadUrl: string; permalink: string; targetHref: string | null }) {
  const [state, setState] = useState<{ loaded?: Loaded; error?: unknown }>({});
  const isImage = rasterImageType(node.name) !== null;
  const readable = (node.type === "file" || node.type === "hardlink") && node.change !== "removed";

  useEffect(() => {
    setState({});
    if (!readable || isImage) return;
    const controller = new AbortController();
    readHead(fileUrl, controller.signal).then(
      (loaded) => setState({ loaded }),
      (error) => !controller.signal.aborted && setState({ error }),
    );
    return () => controller.abort();
  }, [fileUrl, readable, isImage]);

  const text = useMemo(() => {
    const bytes = state.loaded?.bytes;
    if (!bytes || bytes.subarray(0, 8192).includes(0)) return null;
    return new TextDecoder("utf-8").decode(bytes);
  }, [state.loaded]);

  return (
    <section role="region" aria-label="File viewer" className="flex min-h-0 flex-1 flex-col overflow-hidden rounded border border-zinc-200 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">
        <span className="min-w-0 flex-1 truncate font-mono font-medium" title={node.path}>
          {node.path}
        </span>
        <span className="font-mono text-xs text-zinc-500">
          {node.type} · {formatBytes(node.size)}
          {node.layer !== undefined && node.layer >= 0 ? ` · layer ${node.layer}` : ""}
        </span>
        <CopyButton text={permalink} label="Copy link" />
        {readable && (
          <a href={downloadUrl} className="rounded border border-zinc-300 px-2 py-0.5 text-xs hover:border-sky-500 dark:border-zinc-700">
            Download
          </a>
        )}
      </div>
      <div className="min-h-0 flex-1 overflow-auto">
        {node.change === "removed" && <p className="p-3 text-sm text-rose-600">This layer removes {node.path}.</p>}
        {node.type === "symlink" && (
          <p className="p-3 text-sm">
            Symbolic link to <span className="font-mono">{node.linkname}</span>
            {targetHref && (
              <>
                {" "}
                — <Link href={targetHref} className="text-sky-600 hover:underline">open the target</Link>
              </>
            )}
          </p>
        )}
        {node.type === "hardlink" && targetHref && (
          <p className="border-b border-zinc-200 p-3 text-sm dark:border-zinc-800">
            Hard link to <Link href={targetHref} className="font-mono text-sky-600 hover:underline">{node.linkname}</Link>
          </p>
        )}
        {readable && isImage && (
          // An <img> never runs what it loads; the API serves only raster image types.
          <img src={fileUrl} alt={`Preview of ${node.name}`} className="m-3 max-w-full" />
        )}
        {readable && !isImage && !state.loaded && !state.error && <div className="p-3"><Skeleton label="Loading file" /></div>}
        {state.error !== undefined && <div className="p-3"><ErrorPanel error={state.error} /></div>}
        {state.loaded?.truncated && (
          <p className="bg-amber-50 px-3 py-1 text-xs text-amber-800 dark:bg-amber-950 dark:text-amber-200">Showing the first {formatBytes(READ_LIMIT)} of {formatBytes(node.size)}: download it for the rest.</p>
        )}
        {state.loaded && (text !== null ? <TextView text={text} name={node.name} /> : <HexView bytes={state.loaded.bytes} />)}
        {!readable && node.type !== "symlink" && node.change !== "removed" && <p className="p-3 text-sm text-zinc-500">A {node.type} has no content to show.</p>}
      </div>
    </section>
  );
}
