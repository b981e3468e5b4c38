/**
 * Writes built images (tests/support/image-builder.ts) as the archives `docker save` and `skopeo
 * copy … oci-archive:` write: a docker-archive (manifest.json, `<id>.json`, `<id>/layer.tar`) and
 * an OCI image layout as a tar (oci-layout, index.json, blobs/sha256/…), optionally compressed.
 */
import tar from "tar-stream";
import { compress, MTIME, type BuiltImage, type Compression } from "./image-builder";

const hex = (digest: string) => digest.slice(digest.indexOf(":") + 1);

async function packFiles(files: [string, Buffer][]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (chunk) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve) => pack.on("end", () => resolve()));
  for (const [name, bytes] of files) pack.entry({ name, size: bytes.length, mtime: MTIME, mode: 0o644 }, bytes);
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** A `docker save` archive of one image tagged `tag`; its layers as built (gzip, zstd or plain). */
export function dockerArchive(image: BuiltImage, tag: string, compression: Compression = "none"): Promise<Buffer> {
  return dockerArchiveOf([[image, tag]], compression);
}

/** A `docker save` archive of several images, each with its tag (as `docker save a:1 b:2` writes). */
export function dockerArchiveOf(tagged: [BuiltImage, string][], compression: Compression = "none"): Promise<Buffer> {
  const files = new Map<string, Buffer>();
  const manifest = tagged.map(([image, tag]) => {
    const configName = `${hex(image.config.digest)}.json`;
    const layerNames = image.layers.map((layer) => `${hex(layer.diffId)}/layer.tar`);
    image.layers.forEach((layer, i) => files.set(layerNames[i] as string, layer.bytes));
    files.set(configName, image.config.bytes);
    return { Config: configName, RepoTags: [tag], Layers: layerNames };
  });
  return packFiles([...files, ["manifest.json", Buffer.from(JSON.stringify(manifest))]]).then((archive) => compress(archive, compression));
}

/** An OCI image layout of one image (its ref.name `name`) as a tar, optionally compressed. */
export function ociArchive(image: BuiltImage, name: string, compression: Compression = "none"): Promise<Buffer> {
  return ociArchiveOf([[image, name]], compression);
}

/** An OCI image layout of several images, each with its ref.name, as a tar (what `docker save` of two tags writes since Docker 25). */
export function ociArchiveOf(named: [BuiltImage, string][], compression: Compression = "none"): Promise<Buffer> {
  const blobs = new Map<string, Buffer>();
  const blob = (digest: string, bytes: Buffer) => blobs.set(`blobs/sha256/${hex(digest)}`, bytes);
  const manifests = named.map(([image, name]) => {
    blob(image.manifest.digest, image.manifest.bytes);
    blob(image.config.digest, image.config.bytes);
    for (const layer of image.layers) blob(layer.digest, layer.bytes);
    const annotations = { "org.opencontainers.image.ref.name": name };
    return { mediaType: image.mediaType, digest: image.manifest.digest, size: image.manifest.bytes.length, annotations };
  });
  const index = { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests };
  return packFiles([
    ["oci-layout", Buffer.from('{"imageLayoutVersion":"1.0.0"}')],
    ["index.json", Buffer.from(JSON.stringify(index))],
    ...blobs,
  ]).then((archive) => compress(archive, compression));
}

/** An OCI image layout whose index lists one image per platform (no names), as `skopeo copy --all` writes it. */
export function ociPlatformsArchive(images: BuiltImage[]): Promise<Buffer> {
  const blobs = new Map<string, Buffer>();
  const blob = (digest: string, bytes: Buffer) => blobs.set(`blobs/sha256/${hex(digest)}`, bytes);
  const manifests = images.map((image) => {
    blob(image.manifest.digest, image.manifest.bytes);
    blob(image.config.digest, image.config.bytes);
    for (const layer of image.layers) blob(layer.digest, layer.bytes);
    return { mediaType: image.mediaType, digest: image.manifest.digest, size: image.manifest.bytes.length, platform: image.platform };
  });
  const index = { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests };
  return packFiles([["oci-layout", Buffer.from('{"imageLayoutVersion":"1.0.0"}')], ["index.json", Buffer.from(JSON.stringify(index))], ...blobs]);
}
