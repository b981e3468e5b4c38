import { useMemo } from "react";
import { ProvenanceView } from "@/components/supply/ProvenanceView";
import { SbomTable } from "@/components/supply/SbomTable";
import { formatBytes } from "@/lib/core/format";
import { readableDocument } from "@/lib/client/supply-chain";
import type { ArtifactDocument } from "@/lib/core/api-types";

/** Raw JSON past this many characters is cut: the readable view above has the substance. */
const RAW_LIMIT = 200_000;

function RawJson({ value, open }: { value: unknown; open: boolean }) {
  const text = useMemo(() => JSON.stringify(value, null, 2) ?? "", [value]);
  return (
    <details open={open}>
      <summary className="cursor-pointer text-zinc-500">Raw JSON</summary>
      <pre data-testid="raw-json" className="mt-1 max-h-80 overflow-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">
        {text.length > RAW_LIMIT ? `${text.slice(0, RAW_LIMIT)}\n… (${formatBytes(text.length - RAW_LIMIT)} more)` : text}
      </pre>
    </details>
  );
}

/** One document of an artifact: a readable view of what it is (an SBOM's packages, a provenance), next to its raw JSON. */
export function DocumentView({ document }: { document: ArtifactDocument }) {
  const readable = useMemo(() => readableDocument(document), [document]);
  const predicateType = typeof document.statement?.predicateType === "string" ? document.statement.predicateType : null;
  return (
    <section aria-label={readable?.format ?? document.mediaType} className="space-y-2 border-t border-zinc-200 pt-2 dark:border-zinc-800">
      <p className="text-xs text-zinc-500">
        <span className="font-mono">{document.mediaType}</span> · {formatBytes(document.size)}
        {predicateType && (
          <>
            {" "}
            · predicate <span className="font-mono">{predicateType}</span>
          </>
        )}
      </p>
      {document.note && <p className="text-amber-700 dark:text-amber-300">Not shown: {document.note}</p>}
      {readable?.kind === "sbom" && <SbomTable format={readable.format} packages={readable.packages} />}
      {readable?.kind === "provenance" && <ProvenanceView provenance={readable} />}
      {document.json !== null && <RawJson value={document.statement ?? document.json} open={readable === null} />}
    </section>
  );
}
