/**
 * The images every integration and browser test works with, built deterministically and pushed to
 * the test world. `pushFixtures()` returns, per fixture, what tests need to derive expectations
 * (digests, layers, platforms) instead of hard-coding them.
 */
import { join } from "node:path";
import { BASIC_REGISTRY, OPEN_REGISTRY, TOKEN_REGISTRY } from "./config";
import { readTarFiles } from "../support/docker-archive";
import {
  blobOf,
  buildImage,
  buildIndex,
  compress,
  imageManifest,
  packLayer,
  type Blob,
  type BuiltImage,
  type ImageSpec,
  type LayerSpec,
} from "../support/image-builder";
import { Pusher } from "./push";
import { pushManyTags, pushSupplyChain } from "./supply-fixtures";

export const DIVE_DATA = join(import.meta.dirname, "..", "..", "..", "shared", "dive-data");

export interface PushedFixture {
  registry: string;
  repository: string;
  tag: string;
  /** `registry/repository:tag`, as a user would type it. */
  ref: string;
  /** Digest of the manifest the tag points at (an index for multi-platform fixtures). */
  digest: string;
  mediaType: string;
  /** The image manifests (one, or one per platform of an index). */
  images: {
    digest: string;
    mediaType: string;
    configDigest: string;
    platform: { os: string; architecture: string; variant?: string };
    layers: { digest: string; mediaType: string; diffId: string; size: number }[];
  }[];
  /** Index entries that are not platforms (attestations). */
  attachments: string[];
}

const text = (name: string, content: string) => ({ name, content });
const dir = (name: string) => ({ name, type: "directory" as const });

export const SPECS = {
  multi: {
    format: "docker",
    layers: [
      {
        entries: [
          dir("etc/"),
          text("etc/os-release", "ID=porthole\nVERSION_ID=1\n"),
          dir("bin/"),
          { name: "bin/sh", content: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]), mode: 0o755 },
        ],
      },
      { entries: [dir("app/"), text("app/main.txt", "line 1\nline 2\nline 3\nline 4\nline 5\n")] },
      { entries: [text("app/config.json", '{"debug": false}\n')] },
    ],
    history: [
      { created_by: "ADD rootfs.tar /" },
      { created_by: "ENV LANG=C.UTF-8", empty_layer: true },
      { created_by: "RUN make app" },
      { created_by: 'CMD ["/bin/sh"]', empty_layer: true },
      { created_by: "COPY config.json /app/" },
    ],
    config: { Entrypoint: ["/bin/sh", "-c"], User: "1000", Labels: { "org.opencontainers.image.title": "multi <script>alert(1)</script>" } },
  },
  ociZstd: {
    format: "oci",
    layers: [
      { compression: "zstd", entries: [text("zstd.txt", "compressed with zstd\n")] },
      { compression: "gzip", entries: [text("gzip.txt", "compressed with gzip\n")] },
    ],
  },
  plain: { format: "oci", layers: [{ compression: "none", entries: [text("plain.txt", "not compressed\n")] }] },
  misaligned: {
    format: "oci",
    layers: [{ entries: [text("a.txt", "a\n")] }, { entries: [text("b.txt", "b\n")] }],
    history: [{ created_by: "the only history entry" }],
  },
  hello: { format: "docker", layers: [{ entries: [text("hello.txt", "hello from a registry with auth\n")] }] },
  /** Every merge rule of layer.md, and hostile names and contents. */
  fs: {
    format: "oci",
    layers: [
      {
        entries: [
          dir("etc/"),
          text("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"),
          text("etc/group", "root:x:0:\n"),
          dir("data/"),
          text("data/original", "the original bytes\n"),
          dir("olddir/"),
          text("olddir/a", "a\n"),
          dir("olddir/sub/"),
          text("olddir/sub/b", "b\n"),
          dir("opq/"),
          text("opq/lower1", "1\n"),
          text("opq/lower2", "2\n"),
          text("swapfile", "was a file\n"),
          dir("swapdir/"),
          text("swapdir/child", "child\n"),
          text("deleteme.txt", "doomed\n"),
          dir("docs/"),
          text("docs/readme.txt", "Porthole fixture\nsecond line\nthird line\n"),
        ],
      },
      {
        compression: "zstd",
        entries: [
          { name: "etc/.wh.group" },
          { name: ".wh.olddir" },
          dir("opq/"),
          text("opq/upper1", "upper\n"),
          { name: "opq/.wh..wh..opq" },
          dir("swapfile/"),
          text("swapfile/inside", "now a dir\n"),
          { name: "swapdir", type: "symlink", linkname: "/etc" },
          text("dup.txt", "first\n"),
          text("dup.txt", "second wins\n"),
          { name: ".wh.deleteme.txt" },
        ],
      },
      {
        entries: [
          { name: "data/link", type: "link", linkname: "data/original" },
          dir("odd/"),
          text("odd/with space.txt", "space\n"),
          text("odd/hash#.txt", "hash\n"),
          text("odd/question?.txt", "question\n"),
          text("odd/percent%.txt", "percent\n"),
          text("odd/häßlich ☃.txt", "unicode\n"),
          { name: "odd/latin1", rawName: Buffer.from([...Buffer.from("odd/caf"), 0xe9, ...Buffer.from(".txt")]), content: "latin1 name\n" },
          text(`long/${"x".repeat(190)}.txt`, "long path\n"),
          text("web/index.html", "<html><body><script>document.title='pwned'</script>hello</body></html>\n"),
          text(
            "web/logo.svg",
            '<svg xmlns="http://www.w3.org/2000/svg" onload="document.title=\'pwned\'"><script>document.title="pwned"</script></svg>\n',
          ),
          text("text/lines.txt", "one\ntwo\nthree\nfour\nfive\n"),
          text("implied/parent/file.txt", "implied parents\n"),
        ],
      },
    ],
  },
} satisfies Record<string, ImageSpec>;

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]);

/** The base both compare fixtures share, byte for byte: one layer with the same digest in both. */
const COMPARE_BASE: LayerSpec = {
  entries: [
    dir("etc/"),
    text("etc/os-release", "ID=porthole\n"),
    dir("bin/"),
    { name: "bin/real", content: ELF, mode: 0o755 },
    dir("lib/"),
    text("lib/libx.so.1", "one\n"),
    text("lib/libx.so.2", "two\n"),
    dir("usr/"),
    dir("usr/share/"),
    dir("usr/share/doc/"),
    dir("usr/share/doc/pkg1/"),
    text("usr/share/doc/pkg1/copyright", "MIT\n"),
    dir("usr/share/doc/pkg2/"),
    text("usr/share/doc/pkg2/changelog", "v1\nv2\n"),
  ],
};

/**
 * A pair for comparing, each rule once (see tests/integration/diff-api.test.ts): a content change of
 * the same size, a setuid bit, an owner change, a symlink retarget, a file that becomes a directory,
 * a subtree removed by a whiteout, an mtime-only change, a hardlink against an identical copy,
 * unicode and non-UTF-8 names, and config differences; gzip on one side, zstd on the other.
 */
export const COMPARE_SPECS = {
  compareA: {
    format: "oci",
    layers: [
      COMPARE_BASE,
      {
        entries: [
          text("etc/motd", "hello\n"),
          { name: "bin/su", content: ELF, mode: 0o755 },
          { name: "bin/copy", type: "link", linkname: "bin/real", mode: 0o755 },
          dir("home/"),
          dir("home/app/"),
          text("home/app/data.txt", "data\n"),
          { name: "lib/libx.so", type: "symlink", linkname: "libx.so.1" },
          text("srv", "a file\n"),
          { name: "stamp.txt", content: "same\n", mtime: new Date("2020-01-01T00:00:00Z") },
          dir("docs/"),
          text("docs/häßlich ☃.txt", "snow\n"),
          text("only-a.txt", "only in a\n"),
        ],
      },
    ],
    config: { User: "root", Env: ["PATH=/usr/bin:/bin", "A=1"], Cmd: ["sh"] },
  },
  compareB: {
    format: "oci",
    layers: [
      COMPARE_BASE,
      {
        compression: "zstd",
        entries: [
          text("etc/motd", "HELLO\n"),
          { name: "bin/su", content: ELF, mode: 0o4755 },
          { name: "bin/copy", content: ELF, mode: 0o755 },
          dir("home/"),
          { name: "home/app/", type: "directory", uid: 65532, gid: 65532 },
          { name: "home/app/data.txt", content: "data\n", uid: 1000, gid: 1000 },
          { name: "lib/libx.so", type: "symlink", linkname: "libx.so.2" },
          dir("srv/"),
          text("srv/index.txt", "index\n"),
          { name: "stamp.txt", content: "same\n", mtime: new Date("2024-06-01T00:00:00Z") },
          dir("docs/"),
          text("docs/häßlich ☃.txt", "SNOW\n"),
          { name: "docs/latin1", rawName: Buffer.from([...Buffer.from("docs/caf"), 0xe9, ...Buffer.from(".txt")]), content: "latin1\n" },
          text("only-b.txt", "only in b!\n"),
          { name: "usr/share/.wh.doc" },
        ],
      },
    ],
    config: {
      User: "65532",
      Env: ["PATH=/usr/bin:/bin", "A=2", "B=3"],
      Entrypoint: ["/app"],
      Cmd: ["sh"],
      Labels: { note: "<img src=x onerror=alert(1)>" },
    },
  },
} satisfies Record<string, ImageSpec>;

function archImage(format: "docker" | "oci", architecture: string, variant?: string): ImageSpec {
  return {
    format,
    platform: { os: "linux", architecture, ...(variant && { variant }) },
    layers: [{ entries: [text("arch.txt", `${architecture}\n`)] }],
  };
}

async function pushImage(pusher: Pusher, image: BuiltImage, tag?: string): Promise<void> {
  await Promise.all([image.config, ...image.layers].map((blob) => pusher.pushBlob(blob)));
  await pusher.pushManifest(tag ?? image.manifest.digest, image.manifest.bytes, image.mediaType);
}

function describe(
  registry: string,
  repository: string,
  tag: string,
  top: Blob,
  mediaType: string,
  images: BuiltImage[],
  attachments: string[] = [],
): PushedFixture {
  return {
    registry,
    repository,
    tag,
    ref: `${registry}/${repository}:${tag}`,
    digest: top.digest,
    mediaType,
    images: images.map((image) => ({
      digest: image.manifest.digest,
      mediaType: image.mediaType,
      configDigest: image.config.digest,
      platform: image.platform,
      layers: image.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, diffId: l.diffId, size: l.bytes.length })),
    })),
    attachments,
  };
}

export async function pushSingle(registry: string, repository: string, tag: string, spec: ImageSpec): Promise<PushedFixture> {
  const image = await buildImage(spec);
  await pushImage(new Pusher(registry, repository), image, tag);
  return describe(registry, repository, tag, image.manifest, image.mediaType, [image]);
}

/** An OCI index (amd64 + arm64/v8 + a BuildKit attestation) and a Docker manifest list (amd64 + arm/v7). */
async function pushIndexes(): Promise<[PushedFixture, PushedFixture]> {
  const pusher = new Pusher(OPEN_REGISTRY, "fixtures/index");
  const [amd64, arm64] = await Promise.all([buildImage(archImage("oci", "amd64")), buildImage(archImage("oci", "arm64", "v8"))]);
  const statement = blobOf(Buffer.from(JSON.stringify({ _type: "https://in-toto.io/Statement/v0.1", predicateType: "https://spdx.dev/Document" })));
  const attestationConfig = blobOf(Buffer.from("{}"));
  const attestation = blobOf(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: attestationConfig.digest, size: attestationConfig.bytes.length },
        layers: [{ mediaType: "application/vnd.in-toto+json", digest: statement.digest, size: statement.bytes.length }],
      }),
    ),
  );
  for (const image of [amd64, arm64]) await pushImage(pusher, image);
  await Promise.all([statement, attestationConfig].map((blob) => pusher.pushBlob(blob)));
  await pusher.pushManifest(attestation.digest, attestation.bytes, "application/vnd.oci.image.manifest.v1+json");
  const oci = buildIndex(
    "oci",
    [amd64, arm64],
    [
      {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: attestation.digest,
        size: attestation.bytes.length,
        platform: { os: "unknown", architecture: "unknown" },
        annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": amd64.manifest.digest },
      },
    ],
  );
  await pusher.pushManifest("v1", oci.manifest.bytes, oci.mediaType);

  const [dockerAmd64, dockerArm] = await Promise.all([buildImage(archImage("docker", "amd64")), buildImage(archImage("docker", "arm", "v7"))]);
  for (const image of [dockerAmd64, dockerArm]) await pushImage(pusher, image);
  const list = buildIndex("docker", [dockerAmd64, dockerArm]);
  await pusher.pushManifest("docker", list.manifest.bytes, list.mediaType);
  return [
    describe(OPEN_REGISTRY, "fixtures/index", "v1", oci.manifest, oci.mediaType, [amd64, arm64], [attestation.digest]),
    describe(OPEN_REGISTRY, "fixtures/index", "docker", list.manifest, list.mediaType, [dockerAmd64, dockerArm]),
  ];
}

/**
 * An image whose blobs have the right digests but bad bytes: layer 1 is gzip magic then garbage,
 * layer 2 a gzip stream cut in half (it lists entries, then fails).
 */
async function pushCorrupt(): Promise<PushedFixture> {
  const image = await buildImage(SPECS.plain);
  const garbage = blobOf(Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(2000, 0x41)]));
  const many = compress(await packLayer(Array.from({ length: 200 }, (_, i) => ({ name: `file${i}`, content: `${i}`.repeat(400) }))), "gzip");
  const truncated = blobOf(many.subarray(0, Math.floor(many.length / 2)));
  const bad = { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", diffId: `sha256:${"0".repeat(64)}` };
  const layers = [...image.layers, { ...garbage, ...bad }, { ...truncated, ...bad }];
  const manifest = imageManifest("oci", image.config, layers);
  const corrupt: BuiltImage = { ...image, manifest, layers };
  await pushImage(new Pusher(OPEN_REGISTRY, "fixtures/corrupt"), corrupt, "v1");
  return describe(OPEN_REGISTRY, "fixtures/corrupt", "v1", manifest, image.mediaType, [corrupt]);
}

/** A `docker save` archive, pushed with its layers byte for byte (so dive's figures apply). */
async function pushDockerArchive(file: string, repository: string): Promise<PushedFixture> {
  const files = await readTarFiles(join(DIVE_DATA, file));
  const [entry] = JSON.parse((files.get("manifest.json") as Buffer).toString("utf8")) as { Config: string; Layers: string[] }[];
  const config = blobOf(files.get(entry!.Config) as Buffer);
  const layers = entry!.Layers.map((name) => {
    const bytes = files.get(name) as Buffer;
    const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
    return { ...blobOf(bytes), mediaType: `application/vnd.docker.image.rootfs.diff.tar${gzip ? ".gzip" : ""}`, diffId: "" };
  });
  const configJson = JSON.parse(config.bytes.toString("utf8"));
  layers.forEach((layer, i) => (layer.diffId = configJson.rootfs.diff_ids[i]));
  const manifest = imageManifest("docker", config, layers);
  const image: BuiltImage = {
    manifest,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config,
    layers,
    platform: { os: configJson.os, architecture: configJson.architecture },
  };
  await pushImage(new Pusher(OPEN_REGISTRY, repository), image, "latest");
  return describe(OPEN_REGISTRY, repository, "latest", manifest, image.mediaType, [image]);
}

/** An OCI image layout, pushed blob for blob with its index.json as the tag. */
async function pushOciLayout(file: string, repository: string): Promise<PushedFixture> {
  const files = await readTarFiles(join(DIVE_DATA, file));
  const blob = (digest: string) => blobOf(files.get(`blobs/${digest.replace(":", "/")}`) as Buffer);
  const pusher = new Pusher(OPEN_REGISTRY, repository);
  const index = files.get("index.json") as Buffer;
  const images: BuiltImage[] = [];
  for (const descriptor of JSON.parse(index.toString("utf8")).manifests as {
    digest: string;
    mediaType: string;
    platform: BuiltImage["platform"];
  }[]) {
    const manifestBlob = blob(descriptor.digest);
    const manifest = JSON.parse(manifestBlob.bytes.toString("utf8")) as {
      config: { digest: string };
      layers: { digest: string; mediaType: string }[];
    };
    const config = blob(manifest.config.digest);
    const diffIds = JSON.parse(config.bytes.toString("utf8")).rootfs.diff_ids as string[];
    const layers = manifest.layers.map((l, i) => ({ ...blob(l.digest), mediaType: l.mediaType, diffId: diffIds[i] as string }));
    const image: BuiltImage = { manifest: manifestBlob, mediaType: descriptor.mediaType, config, layers, platform: descriptor.platform };
    await pushImage(pusher, image);
    images.push(image);
  }
  const top = blobOf(index);
  await pusher.pushManifest("latest", index, "application/vnd.oci.image.index.v1+json");
  return describe(OPEN_REGISTRY, repository, "latest", top, "application/vnd.oci.image.index.v1+json", images);
}

/** Resolves an object of promises to an object of their values, keeping each key's type. */
async function allOf<T extends Record<string, Promise<unknown>>>(promises: T): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const values = await Promise.all(Object.values(promises));
  return Object.fromEntries(Object.keys(promises).map((key, i) => [key, values[i]])) as { [K in keyof T]: Awaited<T[K]> };
}

export async function pushFixtures() {
  const indexes = pushIndexes();
  // Outside the object literal: there, its Promise<unknown> context would make these Promise<unknown>.
  const index = indexes.then(([oci]) => oci);
  const indexDocker = indexes.then(([, docker]) => docker);
  return allOf({
    multi: pushSingle(OPEN_REGISTRY, "fixtures/multi", "v1", SPECS.multi),
    ociZstd: pushSingle(OPEN_REGISTRY, "fixtures/oci-zstd", "v1", SPECS.ociZstd),
    plain: pushSingle(OPEN_REGISTRY, "fixtures/plain", "v1", SPECS.plain),
    misaligned: pushSingle(OPEN_REGISTRY, "fixtures/misaligned", "v1", SPECS.misaligned),
    fs: pushSingle(OPEN_REGISTRY, "fixtures/fs", "v1", SPECS.fs),
    corrupt: pushCorrupt(),
    index,
    indexDocker,
    tokenPublic: pushSingle(TOKEN_REGISTRY, "public/hello", "v1", SPECS.hello),
    tokenPrivate: pushSingle(TOKEN_REGISTRY, "private/hello", "v1", SPECS.hello),
    basicPrivate: pushSingle(BASIC_REGISTRY, "private/hello", "v1", SPECS.hello),
    diveDocker: pushDockerArchive("test-docker-image.tar", "dive/docker"),
    diveKaniko: pushDockerArchive("test-kaniko-image.tar", "dive/kaniko"),
    diveOciGzip: pushOciLayout("test-oci-gzip-image.tar", "dive/oci-gzip"),
    diveOciZstd: pushOciLayout("test-oci-zstd-image.tar", "dive/oci-zstd"),
    diveOciEstargz: pushOciLayout("test-oci-estargz-image.tar", "dive/oci-estargz"),
    diveOciUncompressed: pushOciLayout("test-oci-uncompressed-image.tar", "dive/oci-uncompressed"),
    compareA: pushSingle(OPEN_REGISTRY, "fixtures/compare", "a", COMPARE_SPECS.compareA),
    compareB: pushSingle(OPEN_REGISTRY, "fixtures/compare", "b", COMPARE_SPECS.compareB),
    manyTags: pushManyTags(),
    supply: pushSupplyChain(),
  });
}

export type Fixtures = Awaited<ReturnType<typeof pushFixtures>>;
export type FixtureName = keyof Fixtures;
