import "server-only";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { PortholeError } from "@/lib/core/errors";
import { ResumedGunzip } from "@/lib/layer/seek/resumed-gunzip";
import { ResumedZstd } from "@/lib/layer/seek/resumed-zstd";
import type { SeekIndex, SpanStart } from "@/lib/layer/seek/seek-index";

/** Opens compressed bytes [from, to) of the blob; `partial` false: the whole blob came instead. */
export type FetchRange = (from: number, to: number) => Promise<{ body: Readable; partial: boolean }>;

const byteOf = (span: SpanStart) => Math.floor(span.bit / 8);

/** The spans to fetch for uncompressed bytes [offset, end): from the one holding `offset`. */
function spansFor(index: SeekIndex, offset: number, end: number): { first: number; last: number } {
  const { spans } = index;
  const first = spans.findLastIndex((span) => span.out <= offset);
  let next = spans.findIndex((span) => span.out >= end);
  if (next < 0) next = spans.length;
  // Output up to the next span's start needs the bits before it: in its first byte, unless aligned.
  const last = next < spans.length && (spans[next] as SpanStart).bit % 8 !== 0 ? next : next - 1;
  return { first: Math.max(first, 0), last: Math.max(last, first) };
}

/**
 * Bytes [offset, offset + length) of a layer's uncompressed stream (gzip, or zstd of many frames), read from the checkpoint
 * before `offset` with one Range request: each compressed span is checked against the digest the
 * verified first read recorded before any of it is inflated, so a registry that serves other bytes
 * for a range fails (502) exactly as a bad blob digest does. Null when the registry ignored the
 * Range and sent the whole blob: the caller reads it as a stream instead.
 */
export async function readRange(index: SeekIndex, offset: number, length: number, fetch: FetchRange): Promise<Readable | null> {
  const { first, last } = spansFor(index, offset, offset + length);
  const from = byteOf(index.spans[first] as SpanStart);
  const to = last + 1 < index.spans.length ? byteOf(index.spans[last + 1] as SpanStart) : index.compressedBytes;
  const { body, partial } = await fetch(from, to);
  if (!partial) {
    body.destroy();
    return null;
  }
  return Readable.from(inflateSpans(index, first, last, body, offset, length));
}

async function* inflateSpans(index: SeekIndex, first: number, last: number, body: Readable, offset: number, length: number): AsyncGenerator<Buffer> {
  const start = index.spans[first] as SpanStart;
  const inflater = index.format === "zstd" ? new ResumedZstd() : new ResumedGunzip({ ...start, window: index.window(first) });
  let position = start.out;
  const end = offset + length;
  try {
    for await (const span of verifiedSpans(index, first, last, body)) {
      for (const part of inflater.push(span)) {
        const from = Math.max(offset - position, 0);
        const to = Math.min(end - position, part.length);
        position += part.length;
        if (to > from) yield Buffer.from(part.buffer, part.byteOffset + from, to - from);
        if (position >= end) return;
      }
    }
    throw new PortholeError("UPSTREAM_INVALID", "the layer's bytes ended before the range asked for: its index does not match it");
  } finally {
    body.destroy();
  }
}

/** The compressed spans first..last, each whole and checked against its recorded digest before it is passed on. */
async function* verifiedSpans(index: SeekIndex, first: number, last: number, body: Readable): AsyncGenerator<Buffer> {
  let span = first;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const spanBytes = (i: number) =>
    (i + 1 < index.spans.length ? byteOf(index.spans[i + 1] as SpanStart) : index.compressedBytes) - byteOf(index.spans[i] as SpanStart);
  for await (const chunk of body as AsyncIterable<Buffer>) {
    pending.push(chunk);
    pendingBytes += chunk.length;
    while (span <= last && pendingBytes >= spanBytes(span)) {
      const whole = Buffer.concat(pending);
      const size = spanBytes(span);
      yield checked(whole.subarray(0, size), index.spans[span] as SpanStart);
      pending = [whole.subarray(size)];
      pendingBytes -= size;
      span++;
    }
  }
  if (span <= last) throw new PortholeError("UPSTREAM_INVALID", "the registry's answer to a range request ended early (truncated)");
}

function checked(bytes: Buffer, span: SpanStart): Buffer {
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== span.sha256) {
    throw new PortholeError(
      "UPSTREAM_INVALID",
      `the registry sent other bytes for a range of the layer than it did for the whole (sha256 ${actual}, expected ${span.sha256})`,
    );
  }
  return bytes;
}
