import Link from "next/link";
import type { ReactNode } from "react";
import { isDigest } from "@/lib/core/digest";

/**
 * Raw JSON (manifests, configs) shown as text, with digests we can open turned into links.
 * Values are attacker-written: they are rendered as React text, never as HTML.
 */
export function JsonView({ value, linkFor }: { value: unknown; linkFor: (digest: string) => string | null }) {
  const render = (node: unknown, indent: string): ReactNode => {
    if (typeof node === "string") {
      const href = isDigest(node) ? linkFor(node) : null;
      const text = JSON.stringify(node);
      return href ? (
        <Link href={href} className="text-sky-600 hover:underline">
          {text}
        </Link>
      ) : (
        text
      );
    }
    if (node === null || typeof node !== "object") return JSON.stringify(node);
    const inner = `${indent}  `;
    const entries = Array.isArray(node) ? node.map((item, i) => [String(i), item] as const) : Object.entries(node);
    if (entries.length === 0) return Array.isArray(node) ? "[]" : "{}";
    return (
      <>
        {Array.isArray(node) ? "[" : "{"}
        {entries.map(([key, item], i) => (
          <span key={key}>
            {"\n"}
            {inner}
            {Array.isArray(node) ? null : `${JSON.stringify(key)}: `}
            {render(item, inner)}
            {i < entries.length - 1 ? "," : ""}
          </span>
        ))}
        {"\n"}
        {indent}
        {Array.isArray(node) ? "]" : "}"}
      </>
    );
  };
  return <pre className="mt-1 max-h-64 overflow-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">{render(value, "")}</pre>;
}
