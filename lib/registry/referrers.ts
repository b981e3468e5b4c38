import "server-only";
import { isDigest } from "@/lib/core/digest";
import { PortholeError } from "@/lib/core/errors";
import type { RegistryClient } from "@/lib/registry/client";
import { getManifest } from "@/lib/registry/documents";
import { readCapped } from "@/lib/registry/http";
import { digestOf } from "@/lib/registry/manifest";
import { MANIFEST_LIMIT } from "@/lib/registry/manifest-parse";
import { GENERIC_CONFIGS, MEDIA } from "@/lib/registry/media-types";
import { nextPage } from "@/lib/registry/pagination";
import { header } from "@/lib/registry/upstream-errors";

/**
 * The ways a registry can say which manifests refer to a subject (OCI distribution-spec 1.1): the
 * referrers API, the referrers tag schema (`sha256-<hex>` holding an index), and cosign's tags
 * (`sha256-<hex>.sig`, `.att`, `.sbom`). Everything here is registry-written: read defensively.
 */

/** A manifest that refers to another, as an index entry or a manifest describes it. */
export interface ReferrerDescriptor {
  digest: string;
  mediaType: string;
  artifactType: string | null;
  size: number;
  annotations: Record<string, string>;
  predicateTypes?: string[];
}

/** A registry may list this many referrers of one subject; the rest are not read. */
export const MAX_REFERRERS = 1000;
const MAX_PAGES = 10;
const COSIGN_SUFFIXES = ["sig", "att", "sbom"] as const;
/** Where in-toto predicate types are named: BuildKit's layer annotation, and cosign's. */
const PREDICATE_ANNOTATIONS = ["in-toto.io/predicate-type", "predicateType"];

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

function annotationsOf(value: unknown): Record<string, string> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** A descriptor from registry-written JSON; null when it has no digest we can verify. */
export function descriptorOf(value: unknown): ReferrerDescriptor | null {
  const d = value as Record<string, unknown> | null;
  if (!d || typeof d !== "object" || typeof d.digest !== "string" || !isDigest(d.digest)) return null;
  const size = Number(d.size);
  return {
    digest: d.digest,
    mediaType: text(d.mediaType) ?? "",
    artifactType: text(d.artifactType),
    size: Number.isSafeInteger(size) && size >= 0 ? size : 0,
    annotations: annotationsOf(d.annotations),
  };
}

/** The predicate types named by annotations of a manifest's layers (or of one descriptor). */
export function predicateTypesOf(annotated: readonly { annotations: Record<string, string> }[]): string[] {
  const types = annotated.flatMap((one) => PREDICATE_ANNOTATIONS.flatMap((key) => (one.annotations[key] ? [one.annotations[key]] : [])));
  return [...new Set(types)];
}

export function parseJson(bytes: Buffer, what: string): Record<string, unknown> {
  try {
    const json: unknown = JSON.parse(bytes.toString("utf8"));
    if (json && typeof json === "object" && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new PortholeError("UPSTREAM_INVALID", `the ${what} is not a JSON object`);
}

/** An index's entries as referrer descriptors (malformed ones left out), at most MAX_REFERRERS. */
function indexEntries(index: Record<string, unknown>): ReferrerDescriptor[] {
  const entries = Array.isArray(index.manifests) ? index.manifests : [];
  return entries
    .map(descriptorOf)
    .filter((d): d is ReferrerDescriptor => d !== null)
    .slice(0, MAX_REFERRERS)
    .map((d) => {
      const predicateTypes = predicateTypesOf([d]);
      return predicateTypes.length ? { ...d, predicateTypes } : d;
    });
}

/** A registry answer that means "no such thing here" rather than a failure worth reporting. */
function isAbsent(error: unknown): boolean {
  return error instanceof PortholeError && (error.code === "NOT_FOUND" || error.code === "UPSTREAM_INVALID" || error.code === "UNSUPPORTED");
}

/**
 * The referrers API (`GET /v2/<name>/referrers/<digest>`, following `Link` pages): null when the
 * registry does not have it (a 404, or anything but an index: distribution 2.8 answers 404).
 */
export async function apiReferrers(client: RegistryClient, subject: string): Promise<ReferrerDescriptor[] | null> {
  const found: ReferrerDescriptor[] = [];
  let path: string | null = `referrers/${subject}`;
  for (let page = 0; path && page < MAX_PAGES && found.length < MAX_REFERRERS; page++) {
    let next: string | null;
    let index: Record<string, unknown>;
    try {
      const response = await client.request(path, { accept: MEDIA.ociIndex });
      next = nextPage(header(response, "link"), client.repository, `referrers/${subject}`);
      index = parseJson(await readCapped(response, MANIFEST_LIMIT, "referrers index"), "referrers index");
    } catch (error) {
      if (page === 0 && isAbsent(error)) return null;
      throw error;
    }
    if (page === 0 && !Array.isArray(index.manifests)) return null;
    found.push(...indexEntries(index));
    path = next;
  }
  return found.slice(0, MAX_REFERRERS);
}

/** A manifest fetched by tag, or null when the tag does not exist. */
async function manifestAt(client: RegistryClient, tag: string): Promise<{ bytes: Buffer; contentType: string | null } | null> {
  try {
    return await getManifest(client, tag);
  } catch (error) {
    if (error instanceof PortholeError && error.code === "NOT_FOUND") return null;
    throw error;
  }
}

const schemaTag = (subject: string) => subject.replace(":", "-");

/** The referrers tag schema: the index at tag `sha256-<hex>`, when there is one. */
export async function tagSchemaReferrers(client: RegistryClient, subject: string): Promise<ReferrerDescriptor[]> {
  const found = await manifestAt(client, schemaTag(subject));
  return found ? indexEntries(parseJson(found.bytes, "referrers tag schema index")) : [];
}

/** The layers of a manifest (or the blobs of a deprecated OCI artifact manifest), those with a digest we can verify. */
export function layersOf(manifest: Record<string, unknown>): ReferrerDescriptor[] {
  const layers = Array.isArray(manifest.layers) ? manifest.layers : Array.isArray(manifest.blobs) ? manifest.blobs : [];
  return layers.map(descriptorOf).filter((d): d is ReferrerDescriptor => d !== null);
}

/** A manifest (a signature, an attestation) described as a referrer: its artifact type is what its layers hold if it names none. */
export function describeManifest(bytes: Buffer, contentType: string | null, digest = digestOf(bytes)): ReferrerDescriptor {
  const manifest = parseJson(bytes, "referrer manifest");
  const layers = layersOf(manifest);
  const config = descriptorOf(manifest.config);
  const predicateTypes = predicateTypesOf(layers);
  return {
    digest,
    mediaType: text(manifest.mediaType) ?? contentType?.split(";")[0]?.trim() ?? "",
    artifactType:
      text(manifest.artifactType) ?? (config && !GENERIC_CONFIGS.includes(config.mediaType) ? config.mediaType : (layers[0]?.mediaType ?? null)),
    size: bytes.length,
    annotations: annotationsOf(manifest.annotations),
    ...(predicateTypes.length > 0 && { predicateTypes }),
  };
}

/** cosign's signature, attestation and SBOM tags of a subject, those that exist. */
export async function cosignReferrers(client: RegistryClient, subject: string): Promise<(ReferrerDescriptor & { tag: string })[]> {
  const tags = COSIGN_SUFFIXES.map((suffix) => `${schemaTag(subject)}.${suffix}`);
  const found = await Promise.all(tags.map((tag) => manifestAt(client, tag)));
  return found.flatMap((manifest, i) => (manifest ? [{ ...describeManifest(manifest.bytes, manifest.contentType), tag: tags[i] as string }] : []));
}
