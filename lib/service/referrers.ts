import "server-only";
import type { ImageInfo, Referrer, ReferrerSource, ReferrersResponse } from "@/lib/core/api-types";
import { RegistryClient } from "@/lib/registry/client";
import { getManifest, getSmallBlob } from "@/lib/registry/documents";
import {
  apiReferrers,
  cosignReferrers,
  describeManifest,
  layersOf,
  MAX_REFERRERS,
  parseJson,
  tagSchemaReferrers,
  type ReferrerDescriptor,
} from "@/lib/registry/referrers";
import { byDigest, resolveImage, type ImageQuery } from "@/lib/service/image";

/** An in-toto statement without an annotation naming its predicate is read for it, if it is this small. */
const STATEMENT_PEEK_LIMIT = 1024 * 1024;
const IN_TOTO = "application/vnd.in-toto+json";

const as =
  (source: ReferrerSource, subject: string) =>
  (d: ReferrerDescriptor & { tag?: string }): Referrer => ({ ...d, source, subject });

/** What the registry publishes about one subject: the referrers API (else its tag schema), and cosign's tags. */
async function published(client: RegistryClient, subject: string): Promise<Referrer[]> {
  const [api, cosign] = await Promise.all([apiReferrers(client, subject), cosignReferrers(client, subject)]);
  const listed = api ? api.map(as("api", subject)) : (await tagSchemaReferrers(client, subject)).map(as("tag-schema", subject));
  return [...listed, ...cosign.map(as("cosign", subject))];
}

/** The predicate type a small in-toto statement names, for attestation manifests that do not annotate it. */
async function peekPredicateType(client: RegistryClient, layer: { digest: string; size: number }): Promise<string | null> {
  if (layer.size > STATEMENT_PEEK_LIMIT) return null;
  const bytes = await byDigest("in-toto statement", layer.digest, () => getSmallBlob(client, layer.digest, STATEMENT_PEEK_LIMIT, "statement"));
  try {
    const type = (JSON.parse(bytes.toString("utf8")) as { predicateType?: unknown }).predicateType;
    return typeof type === "string" ? type : null;
  } catch {
    return null;
  }
}

/** BuildKit's attestation manifests for this image, from the index it was found through. */
async function indexAttestations(client: RegistryClient, image: ImageInfo): Promise<Referrer[]> {
  const attachments = (image.index?.attachments ?? []).filter((a) => a.kind === "attestation" && a.refersTo === image.digest);
  return Promise.all(
    attachments.map(async (attachment) => {
      const bytes = await byDigest("manifest", attachment.digest, async () => (await getManifest(client, attachment.digest)).bytes);
      const described = describeManifest(bytes, attachment.mediaType, attachment.digest);
      if (!described.predicateTypes) {
        const layers = layersOf(parseJson(bytes, "attestation manifest"));
        const peeked = await Promise.all(layers.filter((l) => l.mediaType === IN_TOTO).map((l) => peekPredicateType(client, l)));
        const types = [...new Set(peeked.filter((t): t is string => t !== null))];
        if (types.length > 0) described.predicateTypes = types;
      }
      return as("index", image.digest)(described);
    }),
  );
}

/** The first of each digest, in the order of the sources (api, tag schema, cosign, index), at most MAX_REFERRERS. */
function unique(referrers: Referrer[]): Referrer[] {
  const seen = new Set<string>();
  return referrers.filter((r) => !seen.has(r.digest) && seen.add(r.digest)).slice(0, MAX_REFERRERS);
}

/**
 * Signatures, SBOMs and attestations of an image: those published for its manifest and for the index
 * it was found through, and BuildKit's attestations in that index. Resolving the image first proves
 * the requester's access to the repository.
 */
export async function imageReferrers(query: ImageQuery): Promise<ReferrersResponse> {
  const image = await resolveImage(query);
  const client = await RegistryClient.for(query.ref, query.auth);
  const subjects = image.index ? [image.digest, image.index.digest] : [image.digest];
  const groups = await Promise.all([...subjects.map((subject) => published(client, subject)), indexAttestations(client, image)]);
  return { digest: image.digest, index: image.index?.digest ?? null, referrers: unique(groups.flat()) };
}
