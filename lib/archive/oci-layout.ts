import type { IndexInfo, Platform } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { digestOfBytes, readArchiveJson, type ArchiveFiles, type ArchiveImage, type ArchiveOrigin } from "@/lib/archive/files";
import { imageConfigOf, imageInfo, type ChosenImage } from "@/lib/registry/image-info";
import {
  choosePlatform,
  indexEntries,
  manifestFromJson,
  type Descriptor,
  type IndexManifest,
  type ParsedManifest,
} from "@/lib/registry/manifest-parse";
import { MEDIA } from "@/lib/registry/media-types";

const REF_NAME = "org.opencontainers.image.ref.name";

/** Where a blob lives in a layout; `digest` was checked to be `algorithm:hex` when its descriptor was parsed. */
const blobPath = (digest: string) => `blobs/${digest.replace(":", "/")}`;

/** A JSON blob of the layout (a manifest, a config), checked against its digest. */
async function readBlob(files: ArchiveFiles, digest: string, what: string): Promise<unknown> {
  const { bytes, json } = await readArchiveJson(files, blobPath(digest), what);
  const actual = await digestOfBytes(bytes, digest);
  if (actual !== digest) throw new PortholeError("UPSTREAM_INVALID", `digest mismatch for the ${what}: expected ${digest}, got ${actual}`);
  return json;
}

async function readManifest(files: ArchiveFiles, { digest, mediaType }: { digest: string; mediaType: string }): Promise<ParsedManifest> {
  return manifestFromJson(await readBlob(files, digest, "manifest"), mediaType);
}

/**
 * The entry of index.json that `name` picks (its `org.opencontainers.image.ref.name`, as skopeo's
 * oci:DIR:TAG, or `@N`: the Nth, for entries without a name), or the only one; null when the entries are the platforms of one image (index.json
 * itself is then the index to choose from).
 */
function chooseEntry(index: IndexManifest, name: string | null): Descriptor | null {
  const names = index.manifests.map((entry) => entry.annotations?.[REF_NAME]).filter(Boolean);
  if (name && /^@\d+$/.test(name)) {
    const found = index.manifests[Number(name.slice(1))];
    if (!found) throw new PortholeError("NOT_FOUND", `the layout has ${index.manifests.length} images; there is no ${name}`);
    return found;
  }
  if (name) {
    const found = index.manifests.find((entry) => entry.annotations?.[REF_NAME] === name);
    if (!found) throw new PortholeError("NOT_FOUND", `the layout has no image named ${name} (it has: ${names.join(", ") || "no names"})`);
    return found;
  }
  if (index.manifests.length === 1) return index.manifests[0] as Descriptor;
  if (index.manifests.length > 1 && names.length === 0 && index.manifests.every((entry) => entry.platform)) return null;
  throw new PortholeError(
    "BAD_REQUEST",
    `the layout holds ${index.manifests.length} images: name one (oci:DIR:NAME or :@N; names: ${names.join(", ") || "none"})`,
    // The name that picks each, for a client to offer the choice.
    { details: { images: index.manifests.map((entry, i) => entry.annotations?.[REF_NAME] ?? `@${i}`) } },
  );
}

/** Through an index to one platform's image manifest, as a registry resolve does. */
async function throughIndex(files: ArchiveFiles, index: IndexInfo, wanted: Platform | null): Promise<ChosenImage> {
  const chosen = choosePlatform(index.platforms, wanted);
  const parsed = await readManifest(files, chosen);
  if (parsed.kind !== "image") throw new PortholeError("UNSUPPORTED", "nested indexes are not supported");
  return { digest: chosen.digest, manifest: parsed.manifest, raw: parsed.raw };
}

/**
 * Reads an OCI image layout (an `oci:` folder, or the tar of one: `oci-archive:`, which is also what
 * `docker save` writes since Docker 25): index.json to the image `name` picks, through an index to
 * the `platform` wanted (linux/amd64 unless asked), then its config. Every document is checked
 * against its digest; the layers are checked as they stream.
 */
export async function readOciLayout(
  files: ArchiveFiles,
  origin: ArchiveOrigin,
  name: string | null,
  platform: Platform | null,
): Promise<ArchiveImage> {
  await readArchiveJson(files, "oci-layout", "the layout marker");
  const top = await readArchiveJson(files, "index.json", "the layout's index");
  const parsedTop = manifestFromJson(top.json, MEDIA.ociIndex);
  if (parsedTop.kind !== "index") throw new PortholeError("UNSUPPORTED", "the layout's index.json is not an image index");
  const entry = chooseEntry(parsedTop.manifest, name);
  let index: IndexInfo | null = null;
  let image: ChosenImage;
  const parsed: ParsedManifest = entry ? await readManifest(files, entry) : parsedTop;
  if (parsed.kind === "index") {
    const digest = entry?.digest ?? (await digestOfBytes(top.bytes));
    index = { digest, mediaType: parsed.manifest.mediaType, ...indexEntries(parsed.manifest) };
    image = await throughIndex(files, index, platform);
  } else {
    image = { digest: (entry as Descriptor).digest, manifest: parsed.manifest, raw: parsed.raw };
  }
  const config = imageConfigOf(await readBlob(files, image.manifest.config.digest, "image config"));
  const info = imageInfo({ ...origin, tag: entry?.annotations?.[REF_NAME] ?? null }, index, image, config);
  return {
    image: info,
    layers: info.layers.map((layer) => ({
      path: blobPath(layer.digest),
      digest: layer.digest,
      check: { digest: layer.digest, diffId: layer.diffId },
    })),
  };
}
