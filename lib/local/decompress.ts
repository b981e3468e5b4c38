import { Decompress } from "fzstd";
import { PortholeError } from "@/lib/core/errors";
import { concatBytes } from "@/lib/core/bytes";
import { PakoGunzip } from "@/lib/layer/pako-gunzip";
import { detectCompression, SNIFF_BYTES, type LayerCompression } from "@/lib/layer/sniff";

/**
 * fzstd decodes all it is given at once; fed this much at a time, a zstd bomb (runs of RLE blocks)
 * expands to at most a few tens of MiB per piece before the byte limit below can stop it.
 */
const ZSTD_PIECE = 2048;

/** The first bytes of a stream (enough to sniff), and the reader, which goes on after them. */
async function head(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<{ bytes: Uint8Array; ended: boolean }> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < SNIFF_BYTES) {
    const { done, value } = await reader.read();
    if (done) return { bytes: concatBytes(chunks), ended: true };
    chunks.push(value);
    length += value.length;
  }
  return { bytes: concatBytes(chunks), ended: false };
}

async function* rest(first: Uint8Array, reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (first.length > 0) yield first;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

/** Inflates gzip with pako: the browser's DecompressionStream refuses a second gzip member, and eStargz layers are a member per file. */
async function* gunzip(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const inflater = new PakoGunzip();
  for await (const chunk of source) yield* inflater.push(chunk);
  yield* inflater.flush();
  inflater.end();
}

async function* unzstd(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const output: Uint8Array[] = [];
  const decoder = new Decompress((data) => output.push(data));
  for await (const chunk of source) {
    for (let at = 0; at < chunk.length; at += ZSTD_PIECE) {
      decoder.push(chunk.subarray(at, at + ZSTD_PIECE));
      yield* output.splice(0);
    }
  }
  decoder.push(new Uint8Array(0), true);
  yield* output.splice(0);
}

function corrupt(kind: LayerCompression, error: unknown): PortholeError {
  if (error instanceof PortholeError) return error;
  return new PortholeError("UPSTREAM_INVALID", `the ${kind} data is corrupt or truncated (${(error as Error)?.message ?? error})`, { cause: error });
}

/**
 * A stream's bytes uncompressed, as the server's LayerDecoder does it (the format sniffed from the
 * first bytes: gzip, zstd or a plain tar), for the browser: `onStored` sees the bytes as they
 * are, for their digest. Past `maxBytes` of output it stops: a decompression bomb.
 */
export async function* decompressed(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  onStored: (chunk: Uint8Array) => void,
): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    const first = await head(reader);
    const kind = detectCompression(first.bytes, first.ended);
    if (kind === null) throw new PortholeError("UNSUPPORTED", "not a tar archive, nor gzip or zstd compressed");
    const stored = (async function* () {
      for await (const chunk of rest(first.bytes, reader)) {
        onStored(chunk);
        yield chunk;
      }
    })();
    const output = kind === "gzip" ? gunzip(stored) : kind === "zstd" ? unzstd(stored) : stored;
    let produced = 0;
    try {
      for await (const chunk of output) {
        produced += chunk.length;
        if (produced > maxBytes) throw new PortholeError("TOO_LARGE", `it expands to more than ${maxBytes} bytes; refusing to read further`);
        yield chunk;
      }
    } catch (error) {
      throw corrupt(kind, error);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
