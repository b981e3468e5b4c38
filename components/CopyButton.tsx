"use client";

import { useState } from "react";

/** Copies `text`; the button reads `caption` ("Copy" unless given), then "Copied" for a moment. */
export function CopyButton({ text, label, caption = "Copy" }: { text: string; label: string; caption?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      aria-label={label}
      onClick={async () => {
        await navigator.clipboard?.writeText(text).catch(() => undefined);
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      }}
      className="rounded border border-zinc-300 px-2 py-0.5 text-xs text-zinc-600 hover:border-sky-500 hover:text-sky-600 focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-zinc-700 dark:text-zinc-300"
    >
      {copied ? "Copied" : caption}
    </button>
  );
}
