import "server-only";
import { settings } from "@/lib/config";

/**
 * One structured JSON line per API request: method, path, ref, status, duration and bytes sent.
 * Query values other than the whitelisted ones are left out, and no header is logged, so
 * credentials never reach the log.
 */
const LOGGED_PARAMS = ["ref", "platform", "digest", "layer", "path"];

export function logRequest(request: Request, response: Response, started: number): Response {
  const url = new URL(request.url);
  const line: Record<string, unknown> = { method: request.method, path: url.pathname };
  for (const name of LOGGED_PARAMS) {
    const value = url.searchParams.get(name);
    if (value !== null) line[name] = value.slice(0, 300);
  }
  line.status = response.status;
  const write = (bytes: number) => {
    if (settings().quietLog) return;
    const record = { ...line, ms: Math.round(performance.now() - started), bytes };
    process.stdout.write(`${JSON.stringify(record)}\n`);
  };
  if (!response.body) {
    write(0);
    return response;
  }
  let bytes = 0;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
      flush: () => write(bytes),
    }),
  );
  return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
}
