import { PortholeError } from "@/lib/core/errors";
import { memberPath, type ArchiveFiles } from "@/lib/archive/files";
import { indexTar } from "@/lib/archive/tar-index";

/**
 * An archive the user opened in this tab, as the format readers (lib/archive) ask for it: files
 * by path. Every byte stays in the browser: members are read with Blob.slice, in place.
 */
export interface LocalFiles extends ArchiveFiles {
  /** A member's bytes, unread (a slice of the user's File): layers are streamed from it. */
  blob(path: string): Blob | null;
}

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

function filesOf(blobs: Map<string, Blob>): LocalFiles {
  const blob = (path: string) => blobs.get(memberPath(path)) ?? null;
  return {
    size: async (path) => blob(path)?.size ?? null,
    read: async (path) => {
      const found = blob(path);
      return found ? bytesOf(found) : null;
    },
    blob,
  };
}

/** A tar archive (`docker save`, an OCI layout's tar): its headers are read, its contents skipped over. */
export async function tarFiles(file: Blob): Promise<LocalFiles> {
  const readAt = async (offset: number, length: number) => {
    const bytes = await bytesOf(file.slice(offset, offset + length));
    if (bytes.length !== length) throw new PortholeError("UPSTREAM_INVALID", "the tar archive is truncated");
    return bytes;
  };
  const members = await indexTar(readAt, file.size);
  return filesOf(new Map([...members].map(([path, { offset, size }]) => [path, file.slice(offset, offset + size)])));
}

/** A file of a folder the user opened, by its path inside the folder. */
export interface FolderFile {
  path: string;
  file: Blob;
}

/** What the user opened: one archive file, or the files of a folder (an OCI layout), chosen or dropped. */
export type Opened = { file: File } | { folder: FolderFile[] };

/** The files of a folder the user opened (an OCI layout), by their path inside it. */
export function folderFiles(files: readonly FolderFile[]): LocalFiles {
  return filesOf(new Map(files.map(({ path, file }) => [memberPath(path), file])));
}
