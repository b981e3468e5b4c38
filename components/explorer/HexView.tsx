"use client";

import { useState, type FormEvent } from "react";
import { ErrorPanel, Skeleton } from "@/components/ErrorPanel";
import { formatBytes } from "@/lib/core/format";
import { useFileWindow } from "@/lib/client/use-file-pages";
import type { FileTarget } from "@/lib/client/views";

/** One screen of a hex dump: longer is too long to read. */
const WINDOW = 64 * 1024;

function hexRow(bytes: Uint8Array, offset: number, base: number): string {
  const slice = [...bytes.subarray(offset, offset + 16)];
  const hex = slice.map((b) => b.toString(16).padStart(2, "0")).join(" ");
  const printable = slice.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join("");
  return `${(base + offset).toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  ${printable}`;
}

/** "0x1f00", "7936" or "1f00h" → a byte offset, or null. */
function parseOffset(text: string): number | null {
  const value = text.trim().toLowerCase();
  const hex = /^(?:0x([0-9a-f]+)|([0-9a-f]+)h)$/.exec(value);
  if (hex) return parseInt((hex[1] ?? hex[2]) as string, 16);
  return /^\d+$/.test(value) ? Number(value) : null;
}

/**
 * A binary file as `offset  hex bytes  ascii`, 16 bytes a row, 64 KiB at a time: the next, the
 * previous, or any offset of the file, fetched as a part of it when it is not in `head`.
 */
export function HexView({ target, head, size }: { target: FileTarget; head: Uint8Array; size: number }) {
  const [start, setStart] = useState(0);
  const { bytes, error } = useFileWindow(target, head, size, start, WINDOW);
  const go = (offset: number) => {
    const clamped = Math.min(Math.max(offset, 0), Math.max(size - 1, 0));
    setStart(clamped - (clamped % 16));
  };
  const jump = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const offset = parseOffset(String(new FormData(event.currentTarget).get("offset") ?? ""));
    if (offset !== null) go(offset);
  };
  const rows: string[] = [];
  for (let offset = 0; bytes && offset < bytes.length; offset += 16) rows.push(hexRow(bytes, offset, start));
  return (
    <div>
      <form onSubmit={jump} className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-1 text-xs dark:border-zinc-800">
        <button type="button" disabled={start === 0} onClick={() => go(start - WINDOW)} className="rounded border px-2 disabled:opacity-40">
          ← previous 64 KiB
        </button>
        <button
          type="button"
          disabled={start + WINDOW >= size}
          onClick={() => go(start + WINDOW)}
          className="rounded border px-2 disabled:opacity-40"
        >
          next 64 KiB →
        </button>
        <label>
          go to offset <input name="offset" placeholder="0x1f00" className="w-28 rounded border px-1 font-mono" />
        </label>
        <span className="text-zinc-500">
          bytes {start.toLocaleString()}–{Math.min(start + WINDOW, size).toLocaleString()} of {formatBytes(size)}
        </span>
      </form>
      {error !== undefined && <ErrorPanel error={error} />}
      {!bytes && error === undefined && <Skeleton label="Loading bytes" />}
      <pre data-testid="hex-view" className="overflow-auto p-3 text-xs leading-5">
        {rows.join("\n")}
      </pre>
    </div>
  );
}
