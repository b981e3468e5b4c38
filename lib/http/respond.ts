import "server-only";
import { asPortholeError } from "@/lib/errors";

/** Turns any thrown value into the JSON error response of /api/v1. */
export function errorResponse(error: unknown): Response {
  const e = asPortholeError(error);
  if (e.code === "INTERNAL") console.error(e.cause ?? e);
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (e.retryAfter !== undefined) headers["Retry-After"] = String(e.retryAfter);
  return Response.json(e.toJSON(), { status: e.status, headers });
}

/** Runs a handler body, mapping failures to error responses: keeps route handlers thin. */
export async function handle(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    return errorResponse(error);
  }
}
