import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { settings } from "@/lib/config";

/**
 * One structured JSON line per API request: method, path, ref, status, duration and the bytes
 * sent on the wire (headers included, after compression). Query values other than the
 * whitelisted ones are left out, and no header is logged, so credentials never reach the log.
 */
const LOGGED_PARAMS = ["ref", "platform", "digest", "layer", "path"];

/** Logs `request` once its response has closed (sent, or cut), whichever lane answered it. */
export function logWhenClosed(request: IncomingMessage, response: ServerResponse): void {
  if (settings().quietLog) return;
  const started = performance.now();
  // The socket as it is now: by the time the response closes, it is detached from it.
  const socket = response.socket;
  const sentBefore = socket?.bytesWritten ?? 0;
  response.once("close", () => {
    const url = new URL(request.url ?? "/", "http://local");
    const line: Record<string, unknown> = { method: request.method, path: url.pathname };
    for (const name of LOGGED_PARAMS) {
      const value = url.searchParams.get(name);
      if (value !== null) line[name] = value.slice(0, 300);
    }
    line.status = response.statusCode;
    line.ms = Math.round(performance.now() - started);
    line.bytes = (socket?.bytesWritten ?? sentBefore) - sentBefore;
    if (!response.writableFinished) line.cut = true;
    process.stdout.write(`${JSON.stringify(line)}\n`);
  });
}
