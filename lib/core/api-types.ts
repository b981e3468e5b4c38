/** JSON shapes of the public /api/v1 endpoints, shared by route handlers and the UI. */
import type { RunSettings } from "@/lib/core/image-config";

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface IndexPlatform extends Platform {
  digest: string;
  mediaType: string;
  size: number;
}

/** A manifest of an index that is not a runnable image (e.g. a BuildKit attestation). */
export interface IndexAttachment {
  digest: string;
  mediaType: string;
  kind: "attestation" | "unknown";
  /** For attestations: the digest of the image manifest it describes. */
  refersTo?: string;
}

export interface IndexInfo {
  digest: string;
  mediaType: string;
  platforms: IndexPlatform[];
  attachments: IndexAttachment[];
}

export interface LayerInfo {
  digest: string;
  mediaType: string;
  /** Compressed size, as in the manifest. */
  size: number;
  /** Uncompressed digest from the config's rootfs.diff_ids (null if the config has none for it). */
  diffId: string | null;
  /** eStargz layers: the digest of their table of contents (the `containerd.io/snapshot/stargz/toc.digest` annotation). */
  tocDigest?: string;
  /** The history entry's created_by for this layer, or null when history does not line up. */
  createdBy: string | null;
  created: string | null;
  comment: string | null;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageInfo {
  ref: string;
  registry: string;
  repository: string;
  tag: string | null;
  digest: string;
  mediaType: string;
  index: IndexInfo | null;
  platform: Platform;
  configDigest: string;
  configMediaType: string;
  config: Record<string, unknown>;
  /** How it runs: the config's `config` object, read once and typed. */
  run: RunSettings;
  history: HistoryEntry[];
  /** False when non-empty history entries do not match the layer count one to one. */
  historyAligned: boolean;
  layers: LayerInfo[];
  /** The image manifest as the registry served it. */
  manifest: Record<string, unknown>;
}

export type EntryType = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo";

/** What a tar header says about a path. */
export interface FileMeta {
  path: string;
  type: EntryType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkname?: string;
  /** `sha256:<hex>` of a regular file's bytes, computed as the layer streams; in the merged view a hardlink carries its target's. */
  digest?: string;
  /** File capabilities (the `security.capability` extended attribute) as `getcap` prints them: `cap_net_raw=ep`. */
  capability?: string;
}

/** One tar entry of a layer, as the layer endpoint streams it (one JSON object per line). */
export interface LayerEntry extends FileMeta {
  mtime: number;
  /** Regular files: where the bytes start in the layer's uncompressed tar (for reading them by Range). */
  offset?: number;
  /** `.wh.<name>` marker: deletes `path` (the target, without the prefix) from lower layers. */
  whiteout?: true;
  /** `.wh..wh..opq` marker: hides lower-layer children of the directory `path`. */
  opaque?: true;
}

export interface FsFile extends FileMeta {
  /** Index of the layer the visible version comes from. */
  layer: number;
}

export interface FsLayerSummary {
  index: number;
  digest: string;
  /** dive's layer size: the sum of the tar header sizes of the layer's entries. */
  size: number;
  entries: number;
  added: number;
  modified: number;
  removed: number;
}

export interface FsResponse {
  /** The image manifest digest. */
  digest: string;
  files: FsFile[];
  layers: FsLayerSummary[];
  /** dive's figures (lib/fs/dive-efficiency.ts). */
  efficiency: number;
  wastedBytes: number;
  userWastedPercent: number;
  /** Bytes of regular files in all layers minus those visible in the final filesystem: what squashing saves. */
  reclaimableBytes: number;
  /** dive's inefficient paths (found in several layers), most wasted bytes first, at most 100. */
  inefficiencies: { path: string; count: number; wastedBytes: number }[];
  /** Every path whose regular-file bytes a later entry overwrote or deleted, in path order; their sum is `reclaimableBytes`. */
  hidden: FsHidden[];
}

/** The bytes of a path's copies that are not the visible one. */
export interface FsHidden {
  path: string;
  size: number;
}

/** A merged filesystem's figures: what the page's header, layer list and overview show, at any size. */
export type FsFigures = Omit<FsResponse, "files" | "hidden">;

/** The figures and how many paths there are (`GET /api/v1/summary`). */
export type FsSummary = FsFigures & {
  /** Paths in the merged filesystem (the root excluded). */
  entries: number;
};

export type ChangeKind = "added" | "modified" | "removed";

export interface Change {
  path: string;
  change: ChangeKind;
  type: EntryType;
  size: number;
}

export interface ChangesResponse {
  layer: number;
  /** In path order: all of them, or a page (`limit`, `after`). */
  changes: Change[];
  /** How many changes the layer made in all. */
  total: number;
  /** More follow these: ask again with `after` set to this (the last path here). */
  next?: string;
}

/** One entry of a directory listing: a directory carries what is below it. */
export interface DirectoryEntry {
  path: string;
  name: string;
  type: EntryType;
  size: number;
  /** The layer the entry comes from; absent for a directory no layer lists (implied by its contents). */
  layer?: number;
  linkname?: string;
  /** In a layer's changes (`/api/v1/changes?dir=`): what the layer did to it; absent on a directory that is only on the way to changes below. */
  change?: ChangeKind;
  /** Own size for a file; for a directory, the sum of everything below it. */
  total: number;
  /** How many entries a directory holds (0 for anything else). */
  children: number;
}

/** One directory of a merged filesystem (`GET /api/v1/dir`), its children in name order. */
export interface DirectoryResponse {
  /** The image manifest digest. */
  digest: string;
  path: string;
  /** Everything below the directory, in bytes. */
  total: number;
  children: DirectoryEntry[];
}

/** The paths of a merged filesystem a filter matches (`GET /api/v1/search`), in path order, the first `limit` of them. */
export interface SearchResponse {
  digest: string;
  query: string;
  matches: DirectoryEntry[];
  /** How many paths match in all. */
  total: number;
  /** More match after these: ask again with `after` set to this (the last path here). */
  next?: string;
}

/** One side of a comparison: which image it resolved to, and its headline figures. */
export interface DiffSide {
  ref: string;
  /** The image manifest digest. */
  digest: string;
  platform: Platform;
  layers: number;
  /** Compressed bytes of all layers, as the manifest says. */
  size: number;
  /** Paths in the merged filesystem. */
  files: number;
  efficiency: number;
  wastedBytes: number;
}

/** What a comparison says changed about a path that exists in both images. */
export type DiffField = "type" | "content" | "linkname" | "mode" | "uid" | "gid";

/** A path as one image has it. */
export type DiffEntry = Omit<FsFile, "path">;

export interface DiffChange {
  path: string;
  change: ChangeKind;
  /** For `modified`: which of the path's properties differ. */
  fields?: DiffField[];
  /** The path in image a; null when it is only in b. */
  a: DiffEntry | null;
  b: DiffEntry | null;
}

export interface DiffSummary {
  added: number;
  removed: number;
  modified: number;
  unchanged: number;
  /** Bytes of regular files only in b. */
  addedBytes: number;
  /** Bytes of regular files only in a. */
  removedBytes: number;
}

/** A config setting that differs: `Env.PATH`, `Labels.maintainer`, `User`, …; null where an image does not set it. */
export interface ConfigDifference {
  field: string;
  a: string | null;
  b: string | null;
}

export interface DiffResponse {
  a: DiffSide;
  b: DiffSide;
  /** Leading layers with identical digests: a common base. */
  sharedLayers: number;
  summary: DiffSummary;
  /** Every changed path, sorted by path; or a page of them (`limit`, `after`, `under`). */
  changes: DiffChange[];
  /** How many paths changed in all. */
  total: number;
  /** More follow this page: ask again with `after` set to this (the last path here). */
  next?: string;
  config: ConfigDifference[];
}

/** What a would-be attacker finds inside an image (lib/packages/surface.ts); every list sorted by path. */
export interface Surface {
  /** The config's `User`; "" when unset. */
  user: string;
  runsAsRoot: boolean;
  /** Shells (busybox too) in the bin directories. */
  shells: string[];
  packageManagers: { name: string; path: string }[];
  setuid: string[];
  setgid: string[];
  /** Writable by anyone: files, and directories without the sticky bit. */
  worldWritable: string[];
  /** Files with capabilities (a `security.capability` extended attribute), as `getcap` prints them. */
  capabilities: { path: string; value: string }[];
  compilers: string[];
  networkTools: string[];
}

export type PackageType = "deb" | "apk" | "rpm" | "python" | "npm" | "go";

/** A package as /api/v1/packages lists it. */
export interface InstalledPackage {
  type: PackageType;
  name: string;
  version: string;
  arch?: string;
  /** The layer whose change gave the package its current state (installed, or last upgraded). */
  layer: number;
  /** The database it is listed in. */
  db: string;
  /** With `files=1`: every path the database says the package owns. */
  files?: string[];
  /** With `files=1`: those of `files` no longer in the merged image (slimmed images delete docs). */
  missing?: string[];
}

/** What one layer changed in the inventory of the layers below it; packages named `type:name`. */
export interface PackageLayerChange {
  index: number;
  added: string[];
  removed: string[];
  changed: { package: string; from: string; to: string }[];
}

export interface PackagesResponse {
  digest: string;
  packages: InstalledPackage[];
  layers: PackageLayerChange[];
  surface: Surface;
  /** Databases that could not be read whole: the rest of the inventory is still listed. */
  problems: { db: string; message: string }[];
}

/** A repository's tags, in natural order (`v1.9` before `v1.10`). */
export interface TagsResponse {
  /** `registry/repository`. */
  repository: string;
  tags: string[];
  /** More tags were listed than Porthole keeps (10 000): `tags` is the first of them. */
  truncated: boolean;
}

/** Where a referrer was found: the OCI 1.1 referrers API, its tag schema fallback, cosign's tags, or the image's index (BuildKit). */
export type ReferrerSource = "api" | "tag-schema" | "cosign" | "index";

/** A manifest that refers to an image: a signature, an SBOM, an attestation. Its fields are registry-written text. */
export interface Referrer {
  digest: string;
  mediaType: string;
  artifactType: string | null;
  size: number;
  annotations: Record<string, string>;
  source: ReferrerSource;
  /** The manifest it refers to: the image's, or that of the index the image is in. */
  subject: string;
  /** For cosign: the tag it was found at (`sha256-….sig`). */
  tag?: string;
  /** In-toto predicate types of its statements, where the manifest names them. */
  predicateTypes?: string[];
}

export interface ReferrersResponse {
  /** The image manifest digest. */
  digest: string;
  /** The digest of the index the image was found through, if any (referrers of it are listed too). */
  index: string | null;
  referrers: Referrer[];
}

/** One layer of an artifact (a signature, an SBOM, an in-toto statement), read as JSON where it is JSON. */
export interface ArtifactDocument {
  digest: string;
  mediaType: string;
  size: number;
  annotations: Record<string, string>;
  /** The layer as parsed JSON; null when it is not JSON or was not read (see `note`). */
  json: unknown;
  /** The in-toto statement: the layer itself, or the payload of its DSSE envelope. */
  statement: Record<string, unknown> | null;
  /** Why the layer was not read or parsed. */
  note?: string;
}

/** An artifact manifest (a referrer) and its documents. */
export interface ArtifactResponse {
  digest: string;
  mediaType: string;
  artifactType: string | null;
  manifest: Record<string, unknown>;
  documents: ArtifactDocument[];
}
