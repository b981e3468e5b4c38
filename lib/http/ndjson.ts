import "server-only";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { asPortholeError } from "@/lib/core/errors";
import type { CachedListing } from "@/lib/service/cached-listing";
import { beforeShutdownEnds } from "@/lib/http/shutdown";

/**
 * Streams items as NDJSON, then `{"done": true, "entries": N}`, or `{"error": {...}}` when the
 * source fails midway (the status is already sent by then). The first item is awaited before the
 * response is built, so a failure at the start still gets its proper HTTP status. A shutdown whose
 * grace period runs out ends the stream with a SHUTTING_DOWN error line.
 */
export async function ndjsonResponse<T>(source: AsyncGenerator<T>, headers: Record<string, string>): Promise<Response> {
  const first = await source.next();
  const encoder = new TextEncoder();
  let count = 0;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      if (!first.done) {
        count++;
        controller.enqueue(encoder.encode(`${JSON.stringify(first.value)}\n`));
      }
    },
    async pull(controller) {
      if (first.done) {
        controller.enqueue(encoder.encode(`${JSON.stringify({ done: true, entries: 0 })}\n`));
        return controller.close();
      }
      // Batches keep per-chunk overhead low on fast layers; the time bound keeps slow ones live.
      const batch: string[] = [];
      const started = performance.now();
      let finished = false;
      try {
        while (batch.length < 512 && performance.now() - started < 25) {
          const next = await beforeShutdownEnds(source.next());
          if (next.done) {
            batch.push(JSON.stringify({ done: true, entries: count }));
            finished = true;
            break;
          }
          count++;
          batch.push(JSON.stringify(next.value));
        }
      } catch (error) {
        batch.push(JSON.stringify(asPortholeError(error).toJSON()));
        finished = true;
        void source.return(undefined as T); // a shutdown left the source running: stop its download
      }
      controller.enqueue(encoder.encode(`${batch.join("\n")}\n`));
      if (finished) controller.close();
    },
    async cancel() {
      await source.return(undefined as T);
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
