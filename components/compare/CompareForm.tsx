"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { rememberRef, useRecentRefs } from "@/lib/client/recent";
import { referenceProblem } from "@/lib/client/reference-input";
import { compareUrl } from "@/lib/core/urls";

const INPUT =
  "min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-zinc-700 dark:bg-zinc-900";

function problem(a: string, b: string): string | null {
  const faultA = referenceProblem(a);
  if (faultA) return `Image A: ${faultA}`;
  const faultB = referenceProblem(b);
  return faultB ? `Image B: ${faultB}` : null;
}

/** The home page's second form: two references, compared path by path. Checked as you type. */
export function CompareForm() {
  const router = useRouter();
  const recent = useRecentRefs();
  const suggestions = useId();
  const [a, setA] = useState("");
  const [b, setB] = useState("");
  const [error, setError] = useState<string | null>(null);

  return (
    <form
      aria-label="Compare two images"
      className="space-y-2"
      onSubmit={(event) => {
        event.preventDefault();
        const fault = problem(a, b) ?? (a.trim() && b.trim() ? null : "type both references to compare them");
        setError(fault);
        if (fault) return;
        rememberRef(a.trim());
        rememberRef(b.trim());
        router.push(compareUrl({ a: a.trim(), b: b.trim(), platformA: null, platformB: null, path: "/" }));
      }}
    >
      <h2 className="text-sm font-medium text-zinc-500">Compare two images</h2>
      <div className="flex flex-wrap items-center gap-2">
        {(
          [
            ["Image A", a, setA, "alpine:3.19"],
            ["Image B", b, setB, "alpine:3.20"],
          ] as const
        ).map(([label, value, set, placeholder]) => (
          <input
            key={label}
            aria-label={label}
            list={suggestions}
            autoComplete="off"
            spellCheck={false}
            placeholder={placeholder}
            value={value}
            onChange={(event) => {
              set(event.target.value);
              setError(label === "Image A" ? problem(event.target.value, b) : problem(a, event.target.value));
            }}
            className={INPUT}
          />
        ))}
        <button
          type="submit"
          className="rounded-md border border-sky-600 px-4 py-2 text-sm font-medium text-sky-700 hover:bg-sky-50 dark:text-sky-300 dark:hover:bg-sky-950"
        >
          Compare
        </button>
      </div>
      <datalist id={suggestions}>
        {recent.map((ref) => (
          <option key={ref} value={ref} />
        ))}
      </datalist>
      <p role={error ? "alert" : undefined} className="min-h-5 text-sm text-rose-600 dark:text-rose-400">
        {error}
      </p>
    </form>
  );
}
