import type { Material, ReadableDocument } from "@/lib/client/supply-chain";

type Provenance = Extract<ReadableDocument, { kind: "provenance" }>;

function MaterialText({ material }: { material: Material }) {
  return (
    <>
      <span className="break-all">{material.uri || "—"}</span>
      {material.digest && <span className="block break-all font-mono text-zinc-500">{material.digest}</span>}
    </>
  );
}

/** SLSA provenance in words: who built it, how, from what source, with which materials. */
export function ProvenanceView({ provenance }: { provenance: Provenance }) {
  return (
    <div className="space-y-2">
      <h4 className="font-medium">{provenance.format}</h4>
      <dl className="grid grid-cols-[8rem_minmax(0,1fr)] gap-x-3 gap-y-1 text-xs" aria-label="Provenance">
        <dt className="text-zinc-500">Builder</dt>
        <dd className="break-all" data-testid="provenance-builder">
          {provenance.builder || "—"}
        </dd>
        <dt className="text-zinc-500">Build type</dt>
        <dd className="break-all">{provenance.buildType || "—"}</dd>
        <dt className="text-zinc-500">Source</dt>
        <dd data-testid="provenance-source">{provenance.source ? <MaterialText material={provenance.source} /> : "—"}</dd>
      </dl>
      {provenance.materials.length > 0 && (
        <div>
          <h5 className="text-xs uppercase tracking-wide text-zinc-500">Materials</h5>
          <ul aria-label="Materials" className="mt-1 space-y-1 text-xs">
            {provenance.materials.map((material, index) => (
              <li key={index}>
                <MaterialText material={material} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
