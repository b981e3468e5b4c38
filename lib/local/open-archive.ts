import { PortholeError } from "@/lib/core/errors";
import { detectCompression, SNIFF_BYTES } from "@/lib/layer/sniff";
import { folderFiles, tarFiles, type LocalFiles, type Opened } from "@/lib/local/archive-files";
import { spillDecompressed } from "@/lib/local/spill";

/**
 * What the user opened, as files by path: a tar read in place; a compressed tar (`.tar.gz`,
 * `.tar.zst`), which cannot be read in place, first inflated to this origin's private disk space;
 * or the files of a folder (an OCI layout).
 */
export async function openArchive(name: string, opened: Opened): Promise<LocalFiles> {
  if ("folder" in opened) {
    if (opened.folder.length === 0) throw new PortholeError("BAD_REQUEST", `${name} is empty`);
    return folderFiles(opened.folder);
  }
  const only = opened.file;
  const head = new Uint8Array(await only.slice(0, SNIFF_BYTES).arrayBuffer());
  const kind = detectCompression(head, head.length < SNIFF_BYTES);
  if (kind === "tar") return tarFiles(only);
  if (kind === "gzip" || kind === "zstd") return tarFiles(await spillDecompressed(name, only));
  throw new PortholeError(
    "UNSUPPORTED",
    `${name} is not a tar archive (nor a gzip or zstd compressed one): open a docker save, podman save or OCI archive`,
  );
}
