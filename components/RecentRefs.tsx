"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { imageUrl } from "@/lib/client/urls";
import { recentRefs } from "@/lib/client/recent";

export function RecentRefs() {
  const [refs, setRefs] = useState<string[]>([]);
  useEffect(() => setRefs(recentRefs()), []);
  if (refs.length === 0) return null;
  return (
    <section aria-label="Recent images">
      <h2 className="text-sm font-medium text-zinc-500">Recent</h2>
      <ul className="mt-2 flex flex-wrap gap-2">
        {refs.map((ref) => (
          <li key={ref}>
            <Link href={imageUrl({ ref, platform: null, view: { kind: "fs", path: "/", upTo: null } })} className="rounded-md bg-zinc-100 px-2 py-1 font-mono text-sm hover:bg-zinc-200 dark:bg-zinc-800 dark:hover:bg-zinc-700">
              {ref}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
