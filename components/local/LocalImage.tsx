"use client";

import Link from "next/link";
import useSWR from "swr";
import { Explorer } from "@/components/explorer/Explorer";
import { imageApiUrl } from "@/lib/client/api";
import { useDataSource } from "@/lib/client/data-source";
import { PortholeError } from "@/lib/core/errors";
import { formatLocalRef, parseLocalRef } from "@/lib/core/local-ref";
import { imageUrl, type Location } from "@/lib/core/urls";

/** The names of the images an archive holds, when the reader refused to guess which one was meant. */
function choices(error: unknown): string[] | null {
  const images = error instanceof PortholeError ? error.details?.images : undefined;
  return Array.isArray(images) && images.every((name) => typeof name === "string") ? images : null;
}

/**
 * A local image's explorer; for a link that names no image of an archive that holds several (a
 * `docker save` of two tags, an OCI layout of several), the choice of them, each a link: the
 * choice goes into the URL. It asks what the explorer asks, so the answer is shared.
 */
export function LocalImage({ location }: { location: Location }) {
  const { getJson } = useDataSource();
  const { archive, image } = parseLocalRef(location.ref);
  const { error } = useSWR(image === null ? imageApiUrl(location.ref, location.platform) : null, getJson, { revalidateOnFocus: false });
  const names = choices(error);
  if (!names) return <Explorer location={location} />;
  const href = (name: string) =>
    imageUrl({ ...location, ref: formatLocalRef({ archive, image: name, digest: null }), view: { kind: "fs", path: "/", upTo: null } });
  return (
    <main className="mx-auto max-w-3xl space-y-3 p-6">
      <h1 className="text-lg font-semibold">
        <span className="font-mono">{archive}</span> holds {names.length} images: choose one
      </h1>
      <ul aria-label="Images in the archive" className="space-y-1">
        {names.map((name) => (
          <li key={name}>
            <Link href={href(name)} className="font-mono text-sky-600 hover:underline">
              {name}
            </Link>
          </li>
        ))}
      </ul>
    </main>
  );
}
