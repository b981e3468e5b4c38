import { PortholeError } from "@/lib/core/errors";
import { memberPath, digestOfBytes, readArchiveJson, type ArchiveFiles, type ArchiveImage, type ArchiveOrigin } from "@/lib/archive/files";
import { imageConfigOf, imageInfo } from "@/lib/registry/image-info";
import { manifestFromJson } from "@/lib/registry/manifest-parse";
import { MEDIA } from "@/lib/registry/media-types";

/** One image of a `docker save` archive's manifest.json. */
interface SavedImage {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

function savedImages(json: unknown): SavedImage[] {
  const valid = (item: SavedImage) =>
    typeof item?.Config === "string" && Array.isArray(item.Layers) && item.Layers.every((l) => typeof l === "string");
  if (!Array.isArray(json) || !json.every(valid))
    throw new PortholeError("UNSUPPORTED", "not a docker-archive: its manifest.json is not a list of images");
  return json as SavedImage[];
}

/** The image `name` picks (a RepoTag, or `@N`, as skopeo takes them), or the only one. */
function chooseImage(images: SavedImage[], name: string | null): { image: SavedImage; tag: string | null } {
  const tags = images.flatMap((image) => image.RepoTags ?? []);
  if (name?.startsWith("@")) {
    const image = images[Number(name.slice(1))];
    if (!/^@\d+$/.test(name) || !image) throw new PortholeError("NOT_FOUND", `the archive has ${images.length} images; there is no ${name}`);
    return { image, tag: image.RepoTags?.[0] ?? null };
  }
  if (name) {
    const image = images.find((candidate) => candidate.RepoTags?.includes(name));
    if (!image) throw new PortholeError("NOT_FOUND", `the archive has no image tagged ${name} (it has: ${tags.join(", ") || "no tags"})`);
    return { image, tag: name };
  }
  const [only] = images;
  if (!only || images.length > 1) {
    throw new PortholeError(
      "BAD_REQUEST",
      `the archive holds ${images.length} images: name one (docker-archive:PATH:TAG or :@N; tags: ${tags.join(", ") || "none"})`,
      // The name that picks each, for a client to offer the choice.
      { details: { images: images.map((image, i) => image.RepoTags?.[0] ?? `@${i}`) } },
    );
  }
  return { image: only, tag: only.RepoTags?.[0] ?? null };
}

/**
 * Reads a `docker save` archive (docker-archive), as skopeo does: the layers are named by their
 * diff_id and described as uncompressed tars (a compressed one is sniffed and inflated when read,
 * and checked against its diff_id), so the image's digest is that of the manifest a registry would
 * be sent for them.
 */
export async function readDockerArchive(files: ArchiveFiles, origin: ArchiveOrigin, name: string | null): Promise<ArchiveImage> {
  const { image: saved, tag } = chooseImage(savedImages((await readArchiveJson(files, "manifest.json", "the image list")).json), name);
  const configFile = await readArchiveJson(files, memberPath(saved.Config), "the image config");
  const config = imageConfigOf(configFile.json);
  const diffIds = (config.rootfs as { diff_ids?: unknown } | undefined)?.diff_ids;
  if (!Array.isArray(diffIds) || diffIds.length !== saved.Layers.length || !diffIds.every((id) => typeof id === "string")) {
    throw new PortholeError(
      "UPSTREAM_INVALID",
      `the image config lists ${Array.isArray(diffIds) ? diffIds.length : "no"} diff_ids for ${saved.Layers.length} layers`,
    );
  }
  const paths = saved.Layers.map(memberPath);
  const sizes = await Promise.all(paths.map((path) => files.size(path)));
  const missing = paths.find((_, i) => sizes[i] === null);
  if (missing !== undefined) throw new PortholeError("NOT_FOUND", `the archive has no ${missing} (a layer)`);
  const raw = {
    schemaVersion: 2,
    mediaType: MEDIA.dockerManifest,
    config: {
      mediaType: "application/vnd.docker.container.image.v1+json",
      size: configFile.bytes.length,
      digest: await digestOfBytes(configFile.bytes),
    },
    layers: diffIds.map((diffId: string, i) => ({ mediaType: "application/vnd.docker.image.rootfs.diff.tar", size: sizes[i], digest: diffId })),
  };
  const parsed = manifestFromJson(raw, null);
  if (parsed.kind !== "image") throw new PortholeError("INTERNAL", "the manifest made for a docker-archive is not an image manifest");
  const digest = await digestOfBytes(new TextEncoder().encode(JSON.stringify(raw)));
  return {
    image: imageInfo({ ...origin, tag }, null, { digest, manifest: parsed.manifest, raw }, config),
    layers: paths.map((path, i) => ({ path, digest: diffIds[i] as string, check: { diffId: diffIds[i] as string } })),
  };
}
