import "server-only";
import { open } from "node:fs/promises";
import { PortholeError } from "@/lib/core/errors";

/** A handle let go of is closed this much later: reads still under way on it finish first. */
const CLOSE_AFTER_MS = 60_000;

/**
 * A stored entry's bytes read a run at a time, wherever the content cache keeps them: memory (a
 * small entry) or a file on the local disk, held open so that an eviction meanwhile does not pull
 * it away from readers.
 */
export interface StoredBytes {
  size: number;
  read(offset: number, length: number): Promise<Buffer>;
  release(): void;
}

export function memoryBytes(bytes: Buffer): StoredBytes {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length), release: () => undefined };
}

async function fileBytes(path: string): Promise<StoredBytes> {
  const handle = await open(path, "r");
  const { size } = await handle.stat();
  return {
    size,
    read: async (offset, length) => {
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      if (bytesRead !== length) throw new PortholeError("INTERNAL", "a stored entry is shorter than its reader expected");
      return buffer;
    },
    release: () => void setTimeout(() => void handle.close().catch(() => undefined), CLOSE_AFTER_MS).unref(),
  };
}

/** What `contentCache().open` gave (bytes, or a file's path), opened for reading runs of it. */
export const storedBytes = (stored: Buffer | string): Promise<StoredBytes> =>
  typeof stored === "string" ? fileBytes(stored) : Promise.resolve(memoryBytes(stored));
