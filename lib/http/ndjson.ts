import "server-only";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { asPortholeError } from "@/lib/core/errors";
import type { NdjsonLines } from "@/lib/core/ndjson";
import type { CachedListing } from "@/lib/service/cached-listing";
import { beforeShutdownEnds } from "@/lib/http/shutdown";

/**
 * Streams batches of NDJSON lines, then `{"done": true, "entries": N}`, or `{"error": {...}}` when
 * the source fails midway (the status is already sent by then). The first batch is awaited before
 * the response is built, so a failure at the start still gets its proper HTTP status. A shutdown
 * whose grace period runs out ends the stream with a SHUTTING_DOWN error line.
 */
export async function ndjsonResponse(source: AsyncGenerator<NdjsonLines>, headers: Record<string, string>): Promise<Response> {
  const first = await source.next();
  const encoder = new TextEncoder();
  let count = 0;
  const line = (value: unknown) => encoder.encode(`${JSON.stringify(value)}\n`);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.done) {
        controller.enqueue(line({ done: true, entries: 0 }));
        return controller.close();
      }
      count += first.value.count;
      controller.enqueue(first.value.bytes);
    },
    async pull(controller) {
      try {
        const next = await beforeShutdownEnds(source.next());
        if (!next.done) {
          count += next.value.count;
          return controller.enqueue(next.value.bytes);
        }
        controller.enqueue(line({ done: true, entries: count }));
      } catch (error) {
        controller.enqueue(line(asPortholeError(error).toJSON()));
        void source.return(undefined); // a shutdown left the source running: stop its download
      }
      controller.close();
    },
    async cancel() {
      await source.return(undefined);
    },
  });
  return new Response(body, { headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "X-Accel-Buffering": "no", ...headers } });
}

/**
 * NDJSON already in the response format (a cached layer listing, maybe gzipped): sent as it is,
 * from memory (with its length) or streamed from its file.
 */
export function ndjsonFileResponse({ body, gzipped }: CachedListing, headers: Record<string, string>): Response {
  const type = {
    "Content-Type": "application/x-ndjson; charset=utf-8",
    ...(gzipped && { "Content-Encoding": "gzip", Vary: "Accept-Encoding" }),
  };
  if (typeof body !== "string")
    return new Response(new Uint8Array(body), { headers: { ...type, "Content-Length": String(body.length), ...headers } });
  const stream = Readable.toWeb(createReadStream(body)) as ReadableStream<Uint8Array>;
  return new Response(stream, { headers: { ...type, ...headers } });
}
