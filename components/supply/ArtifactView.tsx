import useSWR from "swr";
import { ErrorPanel, Skeleton } from "@/components/ErrorPanel";
import { JsonView } from "@/components/explorer/JsonView";
import { DocumentView } from "@/components/supply/DocumentView";
import { artifactApiUrl, getJson } from "@/lib/client/api";
import type { ArtifactResponse } from "@/lib/core/api-types";

// Addressed by digest: fetched once, never revalidated.
const immutable = { revalidateOnFocus: false, revalidateIfStale: false, revalidateOnReconnect: false };

/** One referrer: what it is, its manifest, and each of its documents. */
export function ArtifactView({ pinned, digest }: { pinned: string; digest: string }) {
  const { data, error } = useSWR<ArtifactResponse>(artifactApiUrl(pinned, digest), getJson, immutable);
  if (error !== undefined) return <ErrorPanel error={error} />;
  if (!data) return <Skeleton label="Loading the artifact" />;
  return (
    <article aria-label="Artifact" className="space-y-3 rounded border border-zinc-200 p-3 dark:border-zinc-800">
      <header>
        <h3 className="font-medium">{data.artifactType ?? data.mediaType}</h3>
        <p className="break-all font-mono text-xs text-zinc-500">{data.digest}</p>
      </header>
      {data.documents.map((document, index) => (
        <DocumentView key={`${document.digest}-${index}`} document={document} />
      ))}
      <details>
        <summary className="cursor-pointer text-zinc-500">Manifest</summary>
        <JsonView value={data.manifest} linkFor={() => null} />
      </details>
    </article>
  );
}
