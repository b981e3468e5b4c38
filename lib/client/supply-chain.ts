import type { ArtifactDocument, Referrer } from "@/lib/core/api-types";

/**
 * Readable views of supply-chain documents: the packages of an SPDX or CycloneDX SBOM, the builder,
 * source and materials of SLSA provenance, and a name for each kind of referrer. Every value is
 * registry-written: only strings come out (cut to a sane length), to be rendered as text.
 */

export interface SbomPackage {
  name: string;
  version: string;
  license: string;
  purl: string;
}

export interface Material {
  uri: string;
  digest: string;
}

export type ReadableDocument =
  | { kind: "sbom"; format: string; packages: SbomPackage[] }
  | { kind: "provenance"; format: string; builder: string; buildType: string; source: Material | null; materials: Material[] };

/** An SBOM lists at most this many packages here; the raw JSON has them all. */
export const MAX_SBOM_PACKAGES = 20_000;
const MAX_TEXT = 500;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => !!value && typeof value === "object" && !Array.isArray(value);
const str = (value: unknown): string => (typeof value === "string" || typeof value === "number" ? String(value).slice(0, MAX_TEXT) : "");
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const field = (value: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), value);

/** `{sha256: "ab…"}` → "sha256:ab…" (the first algorithm named). */
function digestText(value: unknown): string {
  const [entry] = isObject(value) ? Object.entries(value) : [];
  return entry ? `${str(entry[0])}:${str(entry[1])}` : "";
}

function spdxPackages(doc: Json): SbomPackage[] {
  return list(doc.packages)
    .filter(isObject)
    .map((p) => ({
      name: str(p.name),
      version: str(p.versionInfo),
      license: str(p.licenseConcluded) || str(p.licenseDeclared),
      purl: str(
        list(p.externalRefs)
          .filter(isObject)
          .find((ref) => ref.referenceType === "purl")?.referenceLocator,
      ),
    }));
}

function cyclonedxLicense(component: Json): string {
  return list(component.licenses)
    .filter(isObject)
    .map((l) => str(l.expression) || str(field(l, "license", "id")) || str(field(l, "license", "name")))
    .filter(Boolean)
    .join(" OR ");
}

/** CycloneDX components, nested ones included (breadth-first, so a hostile depth costs no stack). */
function cyclonedxPackages(doc: Json): SbomPackage[] {
  const packages: SbomPackage[] = [];
  const pending = [...list(doc.components)];
  for (let i = 0; i < pending.length && packages.length < MAX_SBOM_PACKAGES; i++) {
    const component = pending[i];
    if (!isObject(component)) continue;
    packages.push({ name: str(component.name), version: str(component.version), license: cyclonedxLicense(component), purl: str(component.purl) });
    pending.push(...list(component.components));
  }
  return packages;
}

function provenance(predicateType: string, predicate: Json): ReadableDocument {
  const v1 = isObject(predicate.buildDefinition);
  const parameters = field(predicate, "buildDefinition", "externalParameters");
  const config = v1 ? (field(parameters, "configSource") ?? field(parameters, "workflow")) : field(predicate, "invocation", "configSource");
  const sourceUri = str(field(config, "uri")) || str(field(config, "repository"));
  const materials = (v1 ? list(field(predicate, "buildDefinition", "resolvedDependencies")) : list(predicate.materials)).filter(isObject);
  return {
    kind: "provenance",
    format: `SLSA provenance ${predicateType.replace("https://slsa.dev/provenance/", "")}`,
    builder: str(v1 ? field(predicate, "runDetails", "builder", "id") : field(predicate, "builder", "id")),
    buildType: str(v1 ? field(predicate, "buildDefinition", "buildType") : predicate.buildType),
    source: sourceUri ? { uri: sourceUri, digest: digestText(field(config, "digest")) || str(field(config, "ref")) } : null,
    materials: materials.map((m) => ({ uri: str(m.uri) || str(m.name), digest: digestText(m.digest) })),
  };
}

/** An SBOM document by its own shape: SPDX (`spdxVersion`) or CycloneDX (`bomFormat`). */
function sbom(doc: unknown): ReadableDocument | null {
  if (!isObject(doc)) return null;
  if (typeof doc.spdxVersion === "string")
    return { kind: "sbom", format: str(doc.spdxVersion), packages: spdxPackages(doc).slice(0, MAX_SBOM_PACKAGES) };
  if (doc.bomFormat === "CycloneDX") return { kind: "sbom", format: `CycloneDX ${str(doc.specVersion)}`.trim(), packages: cyclonedxPackages(doc) };
  return null;
}

/** The readable view of a document: an in-toto statement's predicate, or a bare SBOM; null for anything else. */
export function readableDocument(document: ArtifactDocument): ReadableDocument | null {
  const statement = document.statement;
  if (!statement) return sbom(document.json);
  const type = str(statement.predicateType);
  if (type.startsWith("https://slsa.dev/provenance/") && isObject(statement.predicate)) return provenance(type, statement.predicate);
  return sbom(statement.predicate);
}

const PREDICATE_NAMES: [prefix: string, name: string][] = [
  ["https://spdx.dev/Document", "SPDX SBOM"],
  ["https://cyclonedx.org/bom", "CycloneDX SBOM"],
  ["https://slsa.dev/provenance/", "SLSA provenance"],
  ["https://cosign.sigstore.dev/attestation/vuln", "vulnerability scan"],
];
const ARTIFACT_NAMES: [pattern: RegExp, name: string][] = [
  [/spdx/i, "SPDX SBOM"],
  [/cyclonedx/i, "CycloneDX SBOM"],
  [/cosign\.simplesigning|cosign\.artifact\.sig/i, "cosign signature"],
  [/notary\.signature/i, "Notary signature"],
  [/dsse\.envelope|in-toto/i, "in-toto attestation"],
];

/** What a referrer is, in words: from its predicate types, else its artifact type, else its media type. */
export function referrerKind(referrer: Referrer): string {
  const named = (referrer.predicateTypes ?? []).map((type) => PREDICATE_NAMES.find(([prefix]) => type.startsWith(prefix))?.[1] ?? type);
  if (named.length > 0) return `attestation: ${[...new Set(named)].join(", ")}`;
  const type = referrer.artifactType ?? referrer.mediaType;
  return ARTIFACT_NAMES.find(([pattern]) => pattern.test(type))?.[1] ?? type;
}
