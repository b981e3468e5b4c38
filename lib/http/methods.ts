import "server-only";
import { PortholeError } from "@/lib/core/errors";
import { errorResponse } from "@/lib/http/respond";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];
type Handler = (request: Request) => Response;

/**
 * Handlers for the methods a route does not serve, answering 405 in the API's JSON error shape
 * with `Allow` (Next.js would answer an empty 405). A route exports the ones it lacks:
 * `export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");`
 */
export function otherMethods(...allowed: Method[]): Record<Method, Handler> {
  const refuse: Handler = (request) => {
    const { error, allow } = notAllowed(request.method, allowed);
    const response = errorResponse(error);
    response.headers.set("Allow", allow);
    return response;
  };
  return Object.fromEntries(METHODS.map((method) => [method, refuse])) as Record<Method, Handler>;
}

/** The 405 for `method` where only `allowed` are served (GET brings HEAD), and the Allow header that goes with it. */
export function notAllowed(method: string | undefined, allowed: readonly Method[]): { error: PortholeError; allow: string } {
  const allow = [...allowed, ...(allowed.includes("GET") ? (["HEAD"] as const) : [])].join(", ");
  return { error: new PortholeError("METHOD_NOT_ALLOWED", `${method} is not allowed here; use ${allow}`), allow };
}

/** Any method on a path under /api that is no endpoint: the JSON 404, not Next.js's HTML page. */
export const unknownEndpoint: Handler = (request) =>
  errorResponse(new PortholeError("NOT_FOUND", `there is no API endpoint ${new URL(request.url).pathname}: see the README's API section`));
