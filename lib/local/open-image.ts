import type { Platform } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { formatLocalRef, type LocalRef } from "@/lib/core/local-ref";
import { readDockerArchive } from "@/lib/archive/docker-archive";
import type { ArchiveImage } from "@/lib/archive/files";
import { readOciLayout } from "@/lib/archive/oci-layout";
import type { LocalFiles } from "@/lib/local/archive-files";

/**
 * The image a local archive holds, as the command line reads archives (lib/archive), but without
 * being told the format: an OCI layout (index.json and oci-layout; what `docker save` writes since
 * Docker 25, and `podman save --format oci-archive`) is read as one, else a `docker save` /
 * `podman save` manifest.json.
 */
export async function archiveFormat(files: LocalFiles, name: string): Promise<"oci" | "docker"> {
  if ((await files.size("index.json")) !== null && (await files.size("oci-layout")) !== null) return "oci";
  if ((await files.size("manifest.json")) !== null) return "docker";
  throw new PortholeError(
    "UNSUPPORTED",
    `${name} is not a container image archive: it has neither a manifest.json (docker save, podman save) nor an index.json and oci-layout (an OCI image layout)`,
  );
}

async function readImage(files: LocalFiles, ref: LocalRef, platform: Platform | null): Promise<ArchiveImage> {
  const origin = { ref: formatLocalRef({ ...ref, digest: null }), registry: "local", repository: ref.archive };
  if ((await archiveFormat(files, ref.archive)) === "oci") return readOciLayout(files, origin, ref.image, platform);
  return readDockerArchive(files, origin, ref.image);
}

/**
 * The image `ref` names in the archive; a ref pinned to a digest gets that manifest (the platform
 * of an index whose digest it is), or a NOT_FOUND when the archive holds another image.
 */
export async function openLocalImage(files: LocalFiles, ref: LocalRef, platform: Platform | null): Promise<ArchiveImage> {
  const found = await readImage(files, ref, platform);
  if (ref.digest === null || found.image.digest === ref.digest) return found;
  const pinned = found.image.index?.platforms.find((entry) => entry.digest === ref.digest);
  if (pinned) return readImage(files, ref, pinned);
  throw new PortholeError("NOT_FOUND", `${ref.archive} holds image ${found.image.digest}, not ${ref.digest}: it is another file, or it has changed`);
}
