"use client";

import { useRouter } from "next/navigation";
import { useState, type DragEvent } from "react";
import { ErrorPanel } from "@/components/ErrorPanel";
import { openLocalArchive } from "@/lib/client/local-archives";
import { dropped, pickedFile, pickedFolder, type Picked } from "@/lib/client/opened-files";
import { imageUrl } from "@/lib/core/urls";

const ARCHIVES = ".tar,.tgz,.gz,.zst,.tzst,application/x-tar,application/gzip,application/zstd";

interface OpenLocalProps {
  /** What to do once it is open (by default: go to the image's page). */
  onOpened?: (name: string) => void;
}

/**
 * Opens a `docker save`, `podman save` or OCI archive (or an OCI layout folder) from this computer:
 * read by a worker in this tab, never uploaded. A bad file is said so here, and the page stays usable.
 */
export function OpenLocal({ onOpened }: OpenLocalProps) {
  const router = useRouter();
  const [state, setState] = useState<{ opening: string } | { error: unknown } | null>(null);
  const [over, setOver] = useState(false);

  const open = ({ name, opened }: Picked) => {
    setState({ opening: name });
    openLocalArchive(name, opened).then(
      () =>
        onOpened ? onOpened(name) : router.push(imageUrl({ ref: name, platform: null, view: { kind: "fs", path: "/", upTo: null }, local: true })),
      (error: unknown) => setState({ error }),
    );
  };
  const drop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setOver(false);
    // A folder's files are read before it opens: say so at once.
    const what = dropped(event.dataTransfer);
    if (!what) return;
    setState({ opening: "what was dropped" });
    what.then(open, (error: unknown) => setState({ error }));
  };

  return (
    <section
      aria-label="Open a local image"
      onDragOver={(event) => (event.preventDefault(), setOver(true))}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      className={`rounded-lg border-2 border-dashed p-4 text-sm ${over ? "border-sky-500 bg-sky-50 dark:bg-sky-950" : "border-zinc-300 dark:border-zinc-700"}`}
    >
      <p className="font-medium">Or open an image file from this computer</p>
      <p className="mt-1 text-zinc-600 dark:text-zinc-400">
        A <code>docker save</code> or <code>podman save</code> archive, or an OCI archive (<code>.tar</code>, <code>.tar.gz</code>,{" "}
        <code>.tar.zst</code>), or an OCI layout folder: drop it here or choose it. It is read in this browser tab — nothing is uploaded.
      </p>
      <div className="mt-3 flex flex-wrap gap-3">
        <label className="cursor-pointer rounded border border-zinc-300 px-3 py-1 hover:border-sky-500 dark:border-zinc-700">
          Choose an archive…
          <input
            type="file"
            accept={ARCHIVES}
            aria-label="Image archive"
            className="sr-only"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) open(pickedFile(file));
            }}
          />
        </label>
        <label className="cursor-pointer rounded border border-zinc-300 px-3 py-1 hover:border-sky-500 dark:border-zinc-700">
          Choose an OCI layout folder…
          <input
            type="file"
            aria-label="OCI layout folder"
            className="sr-only"
            // Not in React's typings: makes the picker choose a folder, and gives every file in it.
            {...{ webkitdirectory: "" }}
            onChange={(event) => {
              const folder = pickedFolder([...(event.target.files ?? [])]);
              if (folder) open(folder);
            }}
          />
        </label>
      </div>
      {state && "opening" in state && (
        <p role="status" className="mt-3 text-zinc-500">
          Reading {state.opening}…
        </p>
      )}
      {state && "error" in state && (
        <div className="mt-3">
          <ErrorPanel error={state.error} />
        </div>
      )}
    </section>
  );
}
