"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { useViewSource } from "@/lib/client/views";
import { openedArchives } from "@/lib/client/local-archives";
import { rememberRef, useRecentRefs } from "@/lib/client/recent";
import { referenceProblem } from "@/lib/client/reference-input";
import type { ImageInfo } from "@/lib/core/api-types";
import { parseLocalRef } from "@/lib/core/local-ref";
import { compareUrl } from "@/lib/core/urls";

/**
 * The image header's "Compare with…": another reference (recent ones suggested), or an archive
 * opened in this tab, compared with this exact image as A (a local image as well: the comparison
 * is then made in this tab).
 */
export function CompareWith({ image }: { image: ImageInfo }) {
  const router = useRouter();
  const source = useViewSource();
  const imageRef = image.ref;
  const compareWith = (b: string, localB: boolean) =>
    router.push(compareUrl({ a: source.pinned(image), b, platformA: null, platformB: null, path: "/", localA: source.local, localB }));
  const files = openedArchives().filter((name) => !source.local || name !== parseLocalRef(imageRef).archive);
  const suggestions = useId();
  const recent = useRecentRefs().filter((ref) => ref !== imageRef);
  const [opened, setOpened] = useState(false);
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);

  if (!opened) {
    return (
      <button
        type="button"
        onClick={() => setOpened(true)}
        className="rounded border border-zinc-300 px-2 py-0.5 text-sm text-zinc-600 hover:border-sky-500 hover:text-sky-600 dark:border-zinc-700 dark:text-zinc-300"
      >
        Compare with…
      </button>
    );
  }
  return (
    <form
      aria-label="Compare with another image"
      className="flex flex-wrap items-center gap-2 text-sm"
      onSubmit={(event) => {
        event.preventDefault();
        const problem = referenceProblem(value) ?? (value.trim() ? null : "type the reference of the image to compare with");
        setError(problem);
        if (problem) return;
        rememberRef(value.trim());
        compareWith(value.trim(), false);
      }}
    >
      <input
        aria-label="Compare with"
        aria-invalid={error ? true : undefined}
        list={suggestions}
        autoFocus
        autoComplete="off"
        spellCheck={false}
        placeholder="another image, e.g. alpine:3.20"
        value={value}
        onChange={(event) => {
          setValue(event.target.value);
          setError(referenceProblem(event.target.value));
        }}
        onKeyDown={(event) => event.key === "Escape" && setOpened(false)}
        className="w-72 rounded border border-zinc-300 bg-white px-2 py-0.5 font-mono outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-zinc-700 dark:bg-zinc-900"
      />
      <datalist id={suggestions}>
        {recent.map((ref) => (
          <option key={ref} value={ref} />
        ))}
      </datalist>
      <button type="submit" className="rounded bg-sky-600 px-2 py-0.5 text-white hover:bg-sky-500">
        Compare
      </button>
      {error && (
        <span role="alert" className="text-rose-600 dark:text-rose-400">
          {error}
        </span>
      )}
      {files.length > 0 && <span className="text-zinc-500">or a file opened in this tab:</span>}
      {files.map((name) => (
        <button
          key={name}
          type="button"
          onClick={() => compareWith(name, true)}
          className="rounded border border-emerald-600 px-2 py-0.5 font-mono text-emerald-700 hover:bg-emerald-50 dark:text-emerald-400 dark:hover:bg-emerald-950"
        >
          {name}
        </button>
      ))}
    </form>
  );
}
