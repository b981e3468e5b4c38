import "server-only";
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { PortholeError } from "@/lib/core/errors";

/** JSON written straight to the socket's response, never cached (errors, the probes). */
export function sendJson(response: ServerResponse, status: number, body: unknown, headOnly = false, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...headers,
  });
  response.end(headOnly ? undefined : text);
}

/** An error in the API's JSON shape, written straight to the socket's response. */
export function sendError(response: ServerResponse, error: PortholeError, headers: OutgoingHttpHeaders = {}): void {
  if (error.retryAfter !== undefined) headers["retry-after"] = String(error.retryAfter);
  if (error.code === "SHUTTING_DOWN") headers.connection = "close";
  sendJson(response, error.status, error.toJSON(), false, headers);
}
