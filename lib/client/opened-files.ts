import type { FolderFile, Opened } from "@/lib/local/archive-files";

/** What the user opened, and the name it goes by in its URL (the file's, or the folder's). */
export interface Picked {
  name: string;
  opened: Opened;
}

/** A file chosen with the archive picker. */
export const pickedFile = (file: File): Picked => ({ name: file.name, opened: { file } });

/** The files a folder picker (`webkitdirectory`) gave: each names its path from the chosen folder down. */
export function pickedFolder(files: readonly File[]): Picked | null {
  const [first] = files;
  if (!first) return null;
  const inside = (file: File) => file.webkitRelativePath.split("/").slice(1).join("/");
  return { name: first.webkitRelativePath.split("/")[0] || first.name, opened: { folder: files.map((file) => ({ path: inside(file), file })) } };
}

/** The entries of a directory: readEntries gives them in batches, an empty one at the end. */
async function entriesOf(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

const isDirectory = (entry: FileSystemEntry): entry is FileSystemDirectoryEntry => entry.isDirectory;
const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

/**
 * Every file below a dropped folder, by its path inside it. A drop gives a folder's files no
 * paths (their `webkitRelativePath` is empty), so they are found through its entries.
 */
export async function readFolder(directory: FileSystemDirectoryEntry, prefix = ""): Promise<FolderFile[]> {
  const files: FolderFile[] = [];
  for (const entry of await entriesOf(directory)) {
    const path = `${prefix}${entry.name}`;
    if (isDirectory(entry)) files.push(...(await readFolder(entry, `${path}/`)));
    else files.push({ path, file: await fileOf(entry as FileSystemFileEntry) });
  }
  return files;
}

/**
 * What was dropped: a folder (an OCI layout) or an archive file. The entry must be taken during
 * the drop event (the list is emptied after it), so this is called there; the folder is read after.
 */
export function dropped(transfer: DataTransfer): Promise<Picked> | null {
  const entry = transfer.items[0]?.webkitGetAsEntry() ?? null;
  if (entry && isDirectory(entry)) return readFolder(entry).then((folder) => ({ name: entry.name, opened: { folder } }));
  const file = transfer.files[0];
  return file ? Promise.resolve(pickedFile(file)) : null;
}
