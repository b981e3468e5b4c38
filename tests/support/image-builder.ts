/**
 * Builds small deterministic images for tests: layers packed with tar-stream (fixed mtimes and
 * owners, so digests never change), compressed with gzip, zstd (the CLI) or not at all, a config
 * with history and diff_ids, and a manifest in Docker v2 or OCI media types. Pure: the test world
 * pushes what it builds to real registries, unit tests serve it from a fake one.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { fixChecksum } from "./tar";

/** Bytes with their digest: a layer, a config, a manifest. */
export interface Blob {
  digest: string;
  bytes: Buffer;
}

export function blobOf(bytes: Buffer): Blob {
  return { digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`, bytes };
}

export const MTIME = new Date(1_700_000_000_000);

export interface EntrySpec {
  /** The tar name as written (`etc/x`, `./x`, `a/.wh.b`); for non-UTF-8 names see `rawName`. */
  name: string;
  type?: "file" | "directory" | "symlink" | "link" | "fifo" | "character-device";
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  /** Owner; root unless given. */
  uid?: number;
  gid?: number;
  /** Modification time; a fixed date unless given, so builds are deterministic. */
  mtime?: Date;
  /** Bytes to put in the ustar name field instead of `name` (for names that are not UTF-8). */
  rawName?: Buffer;
}

export type Compression = "gzip" | "zstd" | "none";

/** A layer from entries to pack, or from a tar archive made elsewhere (a real root filesystem). */
export type LayerSpec = ({ entries: EntrySpec[] } | { archive: Buffer }) & { compression?: Compression };

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface ImageSpec {
  format: "docker" | "oci";
  layers: LayerSpec[];
  /** Defaults to one `created_by` entry per layer. */
  history?: { created_by: string; empty_layer?: boolean }[];
  platform?: Platform;
  config?: Record<string, unknown>;
}

export interface BuiltImage {
  manifest: Blob;
  mediaType: string;
  config: Blob;
  layers: (Blob & { mediaType: string; diffId: string })[];
  platform: Platform;
}

const MEDIA = {
  docker: {
    manifest: "application/vnd.docker.distribution.manifest.v2+json",
    list: "application/vnd.docker.distribution.manifest.list.v2+json",
    config: "application/vnd.docker.container.image.v1+json",
    layer: {
      gzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
      zstd: "application/vnd.docker.image.rootfs.diff.tar.zstd",
      none: "application/vnd.docker.image.rootfs.diff.tar",
    },
  },
  oci: {
    manifest: "application/vnd.oci.image.manifest.v1+json",
    list: "application/vnd.oci.image.index.v1+json",
    config: "application/vnd.oci.image.config.v1+json",
    layer: {
      gzip: "application/vnd.oci.image.layer.v1.tar+gzip",
      zstd: "application/vnd.oci.image.layer.v1.tar+zstd",
      none: "application/vnd.oci.image.layer.v1.tar",
    },
  },
} as const;

/** Rewrites the ustar name field of the header whose name is `placeholder`, fixing its checksum. */
function patchName(archive: Buffer, placeholder: string, raw: Buffer): void {
  for (let offset = 0; offset + 512 <= archive.length; offset += 512) {
    if (archive.toString("latin1", offset, offset + placeholder.length + 1) !== `${placeholder}\0`) continue;
    archive.fill(0, offset, offset + 100);
    raw.copy(archive, offset);
    fixChecksum(archive, offset);
    return;
  }
  throw new Error(`placeholder ${placeholder} not found`);
}

export async function packLayer(entries: EntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on("data", (chunk) => chunks.push(chunk as Buffer));
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  const placeholders: [string, Buffer][] = [];
  for (const [i, entry] of entries.entries()) {
    let name = entry.name;
    if (entry.rawName) {
      name = `__raw${i}__`.padEnd(entry.rawName.length, "_");
      placeholders.push([name, entry.rawName]);
    }
    const content = typeof entry.content === "string" ? Buffer.from(entry.content) : (entry.content ?? Buffer.alloc(0));
    const type = entry.type ?? "file";
    const header = {
      name,
      type,
      mode: entry.mode ?? (type === "directory" ? 0o755 : 0o644),
      mtime: entry.mtime ?? MTIME,
      uid: entry.uid ?? 0,
      gid: entry.gid ?? 0,
      uname: entry.uid ? "" : "root",
      gname: entry.gid ? "" : "root",
      linkname: entry.linkname,
    };
    await new Promise<void>((resolve, reject) => {
      const callback = (error?: Error | null) => (error ? reject(error) : resolve());
      if (type === "file") pack.entry({ ...header, size: content.length }, content, callback);
      else pack.entry({ ...header, size: 0 }, callback);
    });
  }
  pack.finalize();
  await done;
  const archive = Buffer.concat(chunks);
  for (const [placeholder, raw] of placeholders) patchName(archive, placeholder, raw);
  return archive;
}

export function compress(archive: Buffer, compression: Compression): Buffer {
  if (compression === "gzip") return gzipSync(archive, { level: 6 });
  if (compression === "zstd") return execFileSync("zstd", ["-q", "-c", "-3"], { input: archive, maxBuffer: 1 << 30 });
  return archive;
}

export async function buildImage(spec: ImageSpec): Promise<BuiltImage> {
  const media = MEDIA[spec.format];
  const platform = spec.platform ?? { os: "linux", architecture: "amd64" };
  const layers = await Promise.all(
    spec.layers.map(async (layer) => {
      const archive = "archive" in layer ? layer.archive : await packLayer(layer.entries);
      const compression = layer.compression ?? "gzip";
      return { ...blobOf(compress(archive, compression)), mediaType: media.layer[compression], diffId: blobOf(archive).digest };
    }),
  );
  const history = spec.history ?? layers.map((_, i) => ({ created_by: `layer ${i}` }));
  const config = blobOf(
    Buffer.from(
      JSON.stringify({
        architecture: platform.architecture,
        os: platform.os,
        ...(platform.variant && { variant: platform.variant }),
        created: MTIME.toISOString(),
        config: { Env: ["PATH=/usr/bin:/bin"], Cmd: ["/bin/sh"], WorkingDir: "/", ...spec.config },
        rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
        history: history.map((h) => ({ created: MTIME.toISOString(), ...h })),
      }),
    ),
  );
  return { manifest: imageManifest(spec.format, config, layers), mediaType: media.manifest, config, layers, platform };
}

/** The image manifest (Docker v2 or OCI) over a config and layers. */
export function imageManifest(format: "docker" | "oci", config: Blob, layers: readonly (Blob & { mediaType: string })[]): Blob {
  const media = MEDIA[format];
  return blobOf(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: media.manifest,
        config: { mediaType: media.config, digest: config.digest, size: config.bytes.length },
        layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.bytes.length })),
      }),
    ),
  );
}

export interface BuiltIndex {
  manifest: Blob;
  mediaType: string;
}

/** An index over built images, plus extra raw descriptors (e.g. an attestation manifest). */
export function buildIndex(format: "docker" | "oci", images: BuiltImage[], extra: object[] = []): BuiltIndex {
  const media = MEDIA[format];
  const manifests = images.map((image) => ({
    mediaType: image.mediaType,
    digest: image.manifest.digest,
    size: image.manifest.bytes.length,
    platform: image.platform,
  }));
  const manifest = blobOf(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: media.list, manifests: [...manifests, ...extra] })));
  return { manifest, mediaType: media.list };
}
