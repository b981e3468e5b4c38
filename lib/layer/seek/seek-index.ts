import "server-only";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { BuiltSeekIndex } from "@/lib/layer/seek/protocol";

/** Where inflating can resume, and the digest of the compressed span from there to the next one. */
export interface SpanStart {
  bit: number;
  out: number;
  sha256: string;
}

/** A layer's random-access index as the reader uses it: windows are inflated only when needed. */
export interface SeekIndex {
  format: BuiltSeekIndex["format"];
  compressedBytes: number;
  uncompressedBytes: number;
  /** Sorted by offset; the first is the start of the blob. */
  spans: SpanStart[];
  window(span: number): Uint8Array;
}

interface StoredHeader {
  version: 2;
  format: BuiltSeekIndex["format"];
  compressedBytes: number;
  uncompressedBytes: number;
  spans: SpanStart[];
  /** Bytes of each span's deflated window in the data after the header. */
  windowBytes: number[];
}

/**
 * A seek index as one cacheable buffer: a JSON header line, then each checkpoint's window deflated
 * (windows are mostly text and code: they shrink to a third or so). The disk cache verifies the
 * whole on read; the version guards against an older layout.
 */
export function serializeSeekIndex(index: BuiltSeekIndex): Buffer {
  const windows = index.checkpoints.map((checkpoint) => (checkpoint.window.length > 0 ? deflateRawSync(checkpoint.window) : Buffer.alloc(0)));
  const header: StoredHeader = {
    version: 2,
    format: index.format,
    compressedBytes: index.compressedBytes,
    uncompressedBytes: index.uncompressedBytes,
    spans: index.checkpoints.map(({ bit, out, sha256 }) => ({ bit, out, sha256 })),
    windowBytes: windows.map((window) => window.length),
  };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...windows]);
}

/** The index a buffer from `serializeSeekIndex` holds, or null for another format version. */
export function parseSeekIndex(data: Buffer): SeekIndex | null {
  const newline = data.indexOf(0x0a);
  const header = JSON.parse(data.toString("utf8", 0, newline)) as StoredHeader;
  if (header.version !== 2) return null;
  const starts: number[] = [];
  let at = newline + 1;
  for (const bytes of header.windowBytes) {
    starts.push(at);
    at += bytes;
  }
  return {
    format: header.format,
    compressedBytes: header.compressedBytes,
    uncompressedBytes: header.uncompressedBytes,
    spans: header.spans,
    window(span) {
      const bytes = header.windowBytes[span] ?? 0;
      if (bytes === 0) return new Uint8Array(0);
      const start = starts[span] as number;
      return new Uint8Array(inflateRawSync(data.subarray(start, start + bytes)));
    },
  };
}
