import "server-only";
import { createReadStream } from "node:fs";
import { open, readFile, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Platform } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { readDockerArchive } from "@/lib/archive/docker-archive";
import { memberPath, type ArchiveFiles } from "@/lib/archive/files";
import { readOciLayout } from "@/lib/archive/oci-layout";
import { indexTar, type TarMember } from "@/lib/archive/tar-index";
import type { ImageSource } from "@/lib/service/layer-source";

/** The archive sources, by skopeo's transport names. */
export type ArchiveTransport = "docker-archive" | "oci-archive" | "oci";

/** An archive on disk: the files the format readers ask for, and a layer's bytes as a stream. */
interface DiskArchive extends ArchiveFiles {
  open(path: string): Promise<Readable>;
}

async function readRange(handle: FileHandle, offset: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  const { bytesRead } = await handle.read(bytes, 0, length, offset);
  if (bytesRead !== length) throw new PortholeError("UPSTREAM_INVALID", "the archive is truncated");
  return bytes;
}

/** Opens a local file, a missing or unreadable one as NOT_FOUND naming it. */
async function openLocal(path: string): Promise<FileHandle> {
  return open(path, "r").catch((error: NodeJS.ErrnoException) => {
    throw new PortholeError("NOT_FOUND", `${path}: ${error.code === "ENOENT" ? "no such file" : error.message}`);
  });
}

/** A tar file (`docker save`, `oci-archive`): its headers indexed once, its members read in place. */
async function tarArchive(file: string): Promise<DiskArchive> {
  const handle = await openLocal(file);
  let members: Map<string, TarMember>;
  try {
    members = await indexTar((offset, length) => readRange(handle, offset, length), (await handle.stat()).size);
  } finally {
    await handle.close();
  }
  const member = (path: string) => members.get(memberPath(path)) ?? null;
  return {
    size: async (path) => member(path)?.size ?? null,
    async read(path) {
      const found = member(path);
      if (!found) return null;
      const reader = await openLocal(file);
      return readRange(reader, found.offset, found.size).finally(() => reader.close());
    },
    async open(path) {
      const found = member(path);
      if (!found) throw new PortholeError("NOT_FOUND", `the archive has no ${path}`);
      return found.size === 0 ? Readable.from([]) : createReadStream(file, { start: found.offset, end: found.offset + found.size - 1 });
    },
  };
}

/** An OCI layout folder (`oci:`); member paths are cleaned, so none leaves it. */
function folderArchive(dir: string): DiskArchive {
  const at = (path: string) => join(dir, memberPath(path));
  const size = (path: string) =>
    stat(at(path)).then(
      (info) => (info.isFile() ? info.size : null),
      () => null,
    );
  return {
    size,
    read: (path) =>
      readFile(at(path)).then(
        (bytes) => new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
        () => null,
      ),
    async open(path) {
      if ((await size(path)) === null) throw new PortholeError("NOT_FOUND", `the layout has no ${path}`);
      return createReadStream(at(path));
    },
  };
}

/**
 * An image from an archive on disk, as the services read any image: `docker-archive:` (a `docker
 * save` tar), `oci-archive:` (an OCI layout's tar) or `oci:` (its folder); `name` picks an image
 * (a tag, or `@N` in a docker-archive) and `platform` one of an index.
 */
export async function archiveSource(transport: ArchiveTransport, path: string, name: string | null, platform: Platform | null): Promise<ImageSource> {
  const files = transport === "oci" ? folderArchive(path) : await tarArchive(path);
  const origin = { ref: `${transport}:${path}${name ? `:${name}` : ""}`, registry: transport, repository: path };
  const found = transport === "docker-archive" ? await readDockerArchive(files, origin, name) : await readOciLayout(files, origin, name, platform);
  return {
    image: found.image,
    layers: found.layers.map((layer) => ({ digest: layer.digest, check: layer.check, open: () => files.open(layer.path) })),
  };
}
