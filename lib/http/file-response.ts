import "server-only";
import { Readable } from "node:stream";
import type { OpenedFile } from "@/lib/service/file";
import { rasterImageType } from "@/lib/core/file-types";
import { percentEncodeName } from "@/lib/core/names";
import { baseName } from "@/lib/core/paths";

/**
 * File bytes from a layer are hostile: they are never served as HTML or SVG, never sniffed, and
 * run in a sandbox even if a browser opens them directly. Text is text/plain, known raster images
 * keep their type (for previews), everything else is an octet stream.
 */
function contentType(name: string, head: Buffer): string {
  return rasterImageType(name) ?? (head.includes(0) ? "application/octet-stream" : "text/plain; charset=utf-8");
}

/** `attachment; filename="ascii"; filename*=UTF-8''…` with the file's real (byte) name. */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${percentEncodeName(name)}`;
}

export async function fileResponse(file: OpenedFile, options: { download: boolean; cacheControl: string }): Promise<Response> {
  const iterator = file.content[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : (first.value as Buffer);
  const name = baseName(file.entry.path);
  const headers: Record<string, string> = {
    "Content-Type": contentType(name, head.subarray(0, 8192)),
    "Content-Length": String(file.range ? file.range.length : file.entry.size),
    "Accept-Ranges": "bytes",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": options.cacheControl,
    "X-Porthole-Layer": file.layerDigest,
    "X-Porthole-Read": file.via,
  };
  if (options.download) headers["Content-Disposition"] = disposition(name);
  const rest = (async function* () {
    try {
      if (!first.done) yield head;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value as Buffer;
      }
    } finally {
      file.content.destroy(); // a client that goes away ends the registry download (and frees its slot) now
    }
  })();
  const body = Readable.toWeb(Readable.from(rest)) as ReadableStream<Uint8Array>;
  // An empty file has no byte to name in a Content-Range: its (empty) part is the whole.
  if (!file.range || file.range.length === 0) return new Response(body, { headers });
  const { offset, length } = file.range;
  headers["Content-Range"] = `bytes ${offset}-${offset + length - 1}/${file.entry.size}`;
  return new Response(body, { status: 206, headers });
}
