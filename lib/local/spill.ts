import { PortholeError } from "@/lib/core/errors";
import { decompressed } from "@/lib/local/decompress";

/** What a compressed archive may expand to; the browser's storage quota usually stops it first. */
const MAX_TAR_BYTES = 256 * 1024 ** 3;
const FOLDER = "porthole-local";
/** Spilled archives of tabs long closed are removed when another is opened. */
const STALE_MS = 24 * 3600 * 1000;

/** A worker's synchronous handle on a private file (not in TypeScript's DOM library, only in its WebWorker one). */
interface SyncAccessHandle {
  write(buffer: Uint8Array, options: { at: number }): number;
  flush(): void;
  close(): void;
}
type SyncFileHandle = FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncAccessHandle> };

async function removeStale(folder: FileSystemDirectoryHandle): Promise<void> {
  for await (const [entryName, handle] of folder as unknown as AsyncIterable<[string, FileSystemHandle]>) {
    const made = Number(entryName.split("-")[0]);
    if (handle.kind === "file" && Date.now() - made > STALE_MS) await folder.removeEntry(entryName).catch(() => undefined);
  }
}

/**
 * A compressed tar inflated, streaming, to the origin private file system (on this machine's disk,
 * never sent anywhere), so it can be read in place like any tar while memory stays bounded.
 */
export async function spillDecompressed(name: string, file: File): Promise<File> {
  let folder: FileSystemDirectoryHandle;
  try {
    folder = await (await navigator.storage.getDirectory()).getDirectoryHandle(FOLDER, { create: true });
  } catch (cause) {
    throw new PortholeError("UNSUPPORTED", "this browser gives no private storage to inflate a compressed archive into: decompress it first", {
      cause,
    });
  }
  await removeStale(folder);
  const handle = await folder.getFileHandle(`${Date.now()}-${crypto.randomUUID()}.tar`, { create: true });
  const access = await (handle as SyncFileHandle).createSyncAccessHandle();
  try {
    let at = 0;
    for await (const chunk of decompressed(file.stream(), MAX_TAR_BYTES, () => undefined)) {
      if (access.write(chunk, { at }) !== chunk.length) throw new PortholeError("TOO_LARGE", `no room left to inflate ${name}`);
      at += chunk.length;
    }
    access.flush();
  } catch (error) {
    if (error instanceof PortholeError) throw error;
    throw new PortholeError("TOO_LARGE", `${name} could not be inflated to this browser's storage (${(error as Error).message})`, { cause: error });
  } finally {
    access.close();
  }
  return handle.getFile();
}
