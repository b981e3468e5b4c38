import "server-only";
import type { ArtifactDocument, ArtifactResponse } from "@/lib/core/api-types";
import { RegistryClient } from "@/lib/registry/client";
import { getManifest, getSmallBlob } from "@/lib/registry/documents";
import { verifyDigest } from "@/lib/registry/manifest";
import { describeManifest, layersOf, parseJson, type ReferrerDescriptor } from "@/lib/registry/referrers";
import { byDigest, type ImageQuery } from "@/lib/service/image";

/** SBOMs of big images run to megabytes; past these an artifact's documents are listed, not read. */
export const DOCUMENT_LIMIT = 8 * 1024 * 1024;
const TOTAL_LIMIT = 24 * 1024 * 1024;
const MAX_DOCUMENTS = 32;
const DSSE_IN_TOTO = "application/vnd.in-toto+json";

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === "object" && !Array.isArray(value);

/** An in-toto statement: the JSON itself, or the base64 payload of the DSSE envelope it is. */
export function statementOf(json: unknown): Record<string, unknown> | null {
  if (!isObject(json)) return null;
  if (typeof json._type === "string" && json._type.startsWith("https://in-toto.io/Statement")) return json;
  if (json.payloadType !== DSSE_IN_TOTO || typeof json.payload !== "string") return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(json.payload, "base64").toString("utf8"));
    return isObject(payload) ? payload : null;
  } catch {
    return null;
  }
}

/** A layer as listed, not (yet) read; `note` says why not. */
const unread = ({ digest, mediaType, size, annotations }: ReferrerDescriptor, note?: string): ArtifactDocument => ({
  digest,
  mediaType,
  size,
  annotations,
  json: null,
  statement: null,
  ...(note && { note }),
});

function readDocument(layer: ReferrerDescriptor, bytes: Buffer): ArtifactDocument {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    return unread(layer, "not JSON");
  }
  return { ...unread(layer), json, statement: statementOf(json) };
}

/**
 * An artifact (a referrer) of the image's repository: its manifest, fetched with the requester's
 * credentials every time (that is the access check for the cached documents), and its layers read
 * as JSON, each verified against its digest and capped.
 */
export async function readArtifact({ ref, auth }: ImageQuery, digest: string): Promise<ArtifactResponse> {
  const client = await RegistryClient.for(ref, auth);
  const { bytes, contentType } = await getManifest(client, digest);
  verifyDigest(bytes, digest, "artifact manifest");
  const manifest = parseJson(bytes, "artifact manifest");
  const described = describeManifest(bytes, contentType, digest);
  let budget = TOTAL_LIMIT;
  const documents: ArtifactDocument[] = [];
  for (const layer of layersOf(manifest).slice(0, MAX_DOCUMENTS)) {
    if (layer.size > DOCUMENT_LIMIT || layer.size > budget) {
      documents.push(unread(layer, `${layer.size} bytes: over the ${DOCUMENT_LIMIT}-byte limit for one document, or for all`));
      continue;
    }
    budget -= layer.size;
    const content = await byDigest("artifact document", layer.digest, () => getSmallBlob(client, layer.digest, DOCUMENT_LIMIT, "document"));
    documents.push(readDocument(layer, content));
  }
  return { digest, mediaType: described.mediaType, artifactType: described.artifactType, manifest, documents };
}
