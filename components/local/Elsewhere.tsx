"use client";

import { useRouter } from "next/navigation";
import { OpenLocal } from "@/components/local/OpenLocal";
import { PageHeader } from "@/components/PageHeader";
import { parseLocalRef } from "@/lib/core/local-ref";
import { imageUrl, type Location } from "@/lib/core/urls";

interface ElsewhereProps {
  location: Location;
  archive: string;
  /** The archive the link names was opened here: show the link's view. */
  onFound: () => void;
}

/** A local image's link, opened where its file is not: the image is on someone else's machine. */
export function Elsewhere({ location, archive, onFound }: ElsewhereProps) {
  const router = useRouter();
  const { digest } = parseLocalRef(location.ref);
  return (
    <div className="min-h-screen">
      <PageHeader title={<h1 className="font-mono text-lg font-semibold">{archive}</h1>}>{null}</PageHeader>
      <main className="mx-auto max-w-3xl space-y-4 p-6">
        <div
          role="alert"
          className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          <p className="font-semibold">This image is in a file on someone else&apos;s machine</p>
          <p className="mt-1 text-sm">
            The link is to <span className="font-mono">{archive}</span>
            {digest && (
              <>
                {" "}
                (image <span className="font-mono break-all">{digest}</span>)
              </>
            )}
            , which was opened in a browser tab, not from a registry. Porthole never uploads local images, so only a browser that has the file can
            show it. If you have the file, open it here to follow the link.
          </p>
        </div>
        <OpenLocal
          onOpened={(name) =>
            name === archive ? onFound() : router.push(imageUrl({ ...location, ref: name, view: { kind: "fs", path: "/", upTo: null } }))
          }
        />
      </main>
    </div>
  );
}
