"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { PortholeError } from "@/lib/core/errors";
import { imageUrl } from "@/lib/core/urls";
import { rememberRef } from "@/lib/client/recent";
import { parseReference } from "@/lib/core/reference";

/** The one input of the home page: paste a reference, Enter. Validated as you type. */
export function RefForm({ autoFocus = true }: { autoFocus?: boolean }) {
  const router = useRouter();
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);

  const validate = (text: string): string | null => {
    if (!text.trim()) return null;
    try {
      parseReference(text);
      return null;
    } catch (e) {
      return e instanceof PortholeError ? e.message : "invalid reference";
    }
  };

  return (
    <form
      className="w-full"
      onSubmit={(event) => {
        event.preventDefault();
        const problem = validate(value) ?? (value.trim() ? null : "paste an image reference, e.g. alpine:3.19");
        setError(problem);
        if (problem) return;
        const ref = value.trim();
        rememberRef(ref);
        router.push(imageUrl({ ref, platform: null, view: { kind: "fs", path: "/", upTo: null } }));
      }}
    >
      <label htmlFor="ref" className="sr-only">
        Image reference
      </label>
      <div className="flex gap-2">
        <input
          id="ref"
          name="ref"
          aria-label="Image reference"
          aria-invalid={error ? true : undefined}
          aria-describedby="ref-error"
          autoFocus={autoFocus}
          autoComplete="off"
          spellCheck={false}
          placeholder="alpine:3.19, ghcr.io/org/app@sha256:…"
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
            setError(validate(event.target.value));
          }}
          className="min-w-0 flex-1 rounded-lg border border-zinc-300 bg-white px-4 py-3 font-mono text-base shadow-sm outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <button
          type="submit"
          className="rounded-lg bg-sky-600 px-5 py-3 font-medium text-white shadow-sm hover:bg-sky-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
        >
          Look inside
        </button>
      </div>
      <p id="ref-error" role={error ? "alert" : undefined} className="mt-2 min-h-5 text-sm text-rose-600 dark:text-rose-400">
        {error}
      </p>
    </form>
  );
}
