import "server-only";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { MemoryLru } from "@/lib/cache/memory-lru";
import type { LayerEntry } from "@/lib/core/api-types";
import { PortholeError } from "@/lib/core/errors";
import { openLayerEntry } from "@/lib/layer/read";
import { layerEntry } from "@/lib/service/layer-entry";
import { readLayerRange } from "@/lib/service/layer-seek";
import { readTocRange } from "@/lib/service/layer-toc";
import type { LayerSource } from "@/lib/service/layer-source";

/** A part of a file: `length` bytes from `offset` (clamped to the file). */
export interface ByteRange {
  offset: number;
  length: number;
}

/** The part of a `size`-byte file a request asks for: all of it, or the range cut to the file's end. */
function clampRange(size: number, part: ByteRange | null): ByteRange {
  if (!part) return { offset: 0, length: size };
  if (part.offset > 0 && part.offset >= size) {
    throw new PortholeError("RANGE_NOT_SATISFIABLE", `the range starts at byte ${part.offset}, past the end of the ${size}-byte file`);
  }
  return { offset: part.offset, length: Math.min(part.length, size - part.offset) };
}

export interface EntryBytes {
  entry: LayerEntry;
  content: Readable;
  /** How the bytes are read: by Range through the seek index, by streaming the layer to them, or from memory (a small file read lately). */
  via: "range" | "stream" | "memory";
  /** The part asked for, cut to the file's end; absent when the whole file was asked for. */
  range?: ByteRange;
}

/**
 * Small files read whole lately, checked against their listing's digest: views of one file in a
 * burst (a shared link going round) read its layer once, not once each.
 */
const SMALL_FILE_BYTES = 256 * 1024;
const smallFiles = new MemoryLru(32 * 1024 ** 2, SMALL_FILE_BYTES);

/**
 * The bytes of a layer's entry `ordinal` (all, or `part`): by Range, without reading the layer
 * again, from its eStargz chunks or through its seek index when it has either; otherwise by
 * streaming the layer up to the entry. A whole file is also checked against the digest its listing
 * recorded, and a small one kept for the next requests.
 */
export async function openEntryBytes(layer: LayerSource, ordinal: number, part: ByteRange | null): Promise<EntryBytes> {
  const entry = await layerEntry(layer, ordinal);
  if (!entry) throw new PortholeError("UPSTREAM_INVALID", `layer ${layer.digest} changed: its entry ${ordinal} is gone`);
  const range = clampRange(entry.size, part);
  const { offset, length } = range;
  const asked = { entry, ...(part && { range }) };
  if (length === 0) return { ...asked, content: Readable.from([]), via: "range" };
  const keptKey = entry.size <= SMALL_FILE_BYTES ? `${layer.digest}\n${ordinal}` : null;
  const kept = keptKey === null ? undefined : smallFiles.get(keptKey);
  if (kept) return { ...asked, content: Readable.from([kept.subarray(offset, offset + length)]), via: "memory" };
  const digest = length === entry.size && entry.type === "file" ? entry.digest : undefined;
  const checked = (source: Readable) => (digest ? Readable.from(digestChecked(source, digest, keptKey)) : source);
  const ranged =
    (await readTocRange(layer, ordinal, offset, length)) ??
    (entry.offset !== undefined ? await readLayerRange(layer, entry.offset + offset, length) : null);
  if (ranged) return { ...asked, content: checked(ranged), via: "range" };
  const opened = await openLayerEntry(await layer.open(), ordinal, { digest: layer.check.digest });
  if (!opened) throw new PortholeError("UPSTREAM_INVALID", `layer ${layer.digest} changed: its entry ${ordinal} is gone`);
  return { ...asked, content: part ? Readable.from(slice(opened.content, offset, length)) : checked(opened.content), via: "stream" };
}

/** The bytes, failing at the end unless they hash to `digest`; once they do, a small file is kept under `keptKey` (null: not kept). */
async function* digestChecked(source: Readable, digest: string, keptKey: string | null): AsyncGenerator<Buffer> {
  const hash = createHash("sha256");
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      hash.update(chunk);
      if (keptKey !== null) chunks.push(chunk);
      yield chunk;
    }
  } finally {
    source.destroy();
  }
  const actual = `sha256:${hash.digest("hex")}`;
  if (actual !== digest) throw new PortholeError("UPSTREAM_INVALID", `the file's bytes do not match its digest in the listing (${actual})`);
  if (keptKey !== null) smallFiles.set(keptKey, Buffer.concat(chunks));
}

/** Bytes [offset, offset + length) of the source's; it is stopped once they went by. */
async function* slice(source: Readable, offset: number, length: number): AsyncGenerator<Buffer> {
  let position = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const from = Math.max(offset - position, 0);
      const to = Math.min(offset + length - position, chunk.length);
      position += chunk.length;
      if (to > from) yield chunk.subarray(from, to);
      if (position >= offset + length) return;
    }
  } finally {
    source.destroy();
  }
}
