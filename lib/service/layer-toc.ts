import "server-only";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { LayerEntry } from "@/lib/core/api-types";
import { contentCache } from "@/lib/cache/content-cache";
import { Recent } from "@/lib/cache/recent";
import { PortholeError } from "@/lib/core/errors";
import { FOOTER_BYTES, readToc, tocListing, tocOffset, type Chunk } from "@/lib/layer/estargz";
import type { LayerSource } from "@/lib/service/layer-source";

const chunksKey = (digest: string) => `layer-toc-chunks:v1:${digest}`;
const chunkMaps = new Recent<Record<number, Chunk[]> | null>(16);

/** Bytes [from, to) of the layer, or null when the source cannot serve a part of it. */
async function fetchPart(layer: LayerSource, from: number, to: number): Promise<Buffer | null> {
  if (!layer.openRange) return null;
  const { body, partial } = await layer.openRange(from, to);
  if (!partial) {
    body.destroy();
    return null;
  }
  const parts: Buffer[] = [];
  for await (const part of body as AsyncIterable<Buffer>) parts.push(part);
  const bytes = Buffer.concat(parts);
  if (bytes.length !== to - from) throw new PortholeError("UPSTREAM_INVALID", "the registry's answer to a range request was cut short");
  return bytes;
}

/**
 * An eStargz layer's entries from its table of contents, with two Range requests (the footer,
 * then the TOC) instead of the whole layer; each file's chunks are kept for reading it later.
 * Null when the layer is not one (no TOC digest in the manifest, no footer) or its source
 * cannot serve parts: then the layer is read whole, as any other.
 */
export async function tocEntries(layer: LayerSource): Promise<LayerEntry[] | null> {
  const { size, tocDigest } = layer;
  if (!tocDigest || size === undefined || size <= FOOTER_BYTES) return null;
  const footer = await fetchPart(layer, size - FOOTER_BYTES, size);
  const at = footer ? tocOffset(footer) : null;
  if (at === null || at >= size - FOOTER_BYTES) return null;
  const member = await fetchPart(layer, at, size - FOOTER_BYTES);
  if (!member) return null;
  const listing = tocListing(readToc(member, tocDigest), at);
  await contentCache().put(chunksKey(layer.digest), Buffer.from(JSON.stringify(listing.chunks)));
  return listing.entries;
}

function chunksOf(digest: string): Promise<Record<number, Chunk[]> | null> {
  return chunkMaps.get(digest, async () => {
    const data = await contentCache().read(chunksKey(digest));
    return data ? (JSON.parse(data.toString("utf8")) as Record<number, Chunk[]>) : null;
  });
}

/**
 * Bytes [offset, offset + length) of the file at `ordinal` in an eStargz layer listed from its
 * TOC: each chunk it overlaps is fetched by Range (its own gzip member), inflated, and checked
 * against the chunk digest the verified TOC gives before any of it is passed on. Null when the
 * layer was not listed from a TOC, or the source cannot serve parts.
 */
export async function readTocRange(layer: LayerSource, ordinal: number, offset: number, length: number): Promise<Readable | null> {
  const chunks = (await chunksOf(layer.digest))?.[ordinal];
  if (!chunks || !layer.openRange) return null;
  const wanted = chunks.filter((chunk) => chunk.at < offset + length && chunk.at + chunk.size > offset);
  return Readable.from(chunkBytes(layer, wanted, offset, length));
}

async function* chunkBytes(layer: LayerSource, chunks: Chunk[], offset: number, length: number): AsyncGenerator<Buffer> {
  for (const chunk of chunks) {
    const member = await fetchPart(layer, chunk.from, chunk.to);
    if (!member) throw new PortholeError("UPSTREAM_INVALID", "the registry stopped serving parts of the layer");
    const bytes = (await inflated(member, chunk.skip + chunk.size)).subarray(chunk.skip);
    const actual = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    if (actual !== chunk.sha256)
      throw new PortholeError("UPSTREAM_INVALID", `a chunk of the eStargz layer does not match its digest in the table of contents (${actual})`);
    yield bytes.subarray(Math.max(offset - chunk.at, 0), Math.min(offset + length - chunk.at, chunk.size));
  }
}

/** The first `bytes` bytes the gzip members in `member` inflate to (fewer is an error). */
async function inflated(member: Buffer, bytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  const gunzip = createGunzip();
  gunzip.end(member);
  for await (const part of gunzip as AsyncIterable<Buffer>) {
    parts.push(part);
    have += part.length;
    if (have >= bytes) break;
  }
  gunzip.destroy();
  if (have < bytes) throw new PortholeError("UPSTREAM_INVALID", "a chunk of the eStargz layer is shorter than its table of contents says");
  return Buffer.concat(parts).subarray(0, bytes);
}
