import "server-only";
import http from "node:http";
import { settings } from "@/lib/config";
import { PortholeError } from "@/lib/core/errors";
import { directHandler, sendError, serveDirect } from "@/lib/http/direct-lane";
import { CLIENT_HEADER, clientAddress } from "@/lib/http/client-address";
import { logWhenClosed } from "@/lib/http/log";
import { RateLimiter } from "@/lib/http/rate-limit";
import { shutdownState } from "@/lib/http/shutdown";

const INSTALLED = Symbol.for("porthole.front-door");
/** After the grace period and the streams' error lines, how long before what is left is cut. */
const FINAL_CUT_MS = 1000;

/** API requests count against a client's rate (and are logged); pages, assets and health checks do not. */
const limited = (path: string) => path.startsWith("/api/") && !path.startsWith("/api/health");

/** Why a request may not go in, or null: the server is stopping, or this client is over its rate. */
function refusal(request: http.IncomingMessage, client: string, limiter: RateLimiter): PortholeError | null {
  if (shutdownState().stopping) return new PortholeError("SHUTTING_DOWN", "the server is shutting down; try again in a moment");
  if (!limited(request.url ?? "/")) return null;
  const wait = limiter.take(client);
  if (wait === 0) return null;
  return new PortholeError(
    "RATE_LIMITED",
    `too many requests from ${client}: at most ${settings().rateLimitPerMinute} a minute; try again in ${wait} s`,
    {
      retryAfter: wait,
    },
  );
}

/**
 * On SIGTERM: turn new requests away, give those under way the grace period, then tell streaming
 * listings to end with an error line (never a silent cut, never a false `done`), and cut whatever
 * is still open a moment later. Next.js's own SIGTERM handling stops accepting connections and
 * exits once they are all closed.
 */
function shutDownGracefully(open: Set<http.ServerResponse>): void {
  const state = shutdownState();
  state.stopping = true;
  setTimeout(() => {
    state.ended.abort();
    setTimeout(() => {
      for (const response of open) response.destroy();
    }, FINAL_CUT_MS).unref();
  }, settings().shutdownGraceMs).unref();
}

/**
 * The server's front door, run before Next.js sees a request: stamps the client's address on it
 * (replacing any the client sent), applies each client's rate limit, logs API requests, turns
 * requests away while shutting down, keeps track of what is open for the shutdown, and answers
 * API GETs whose route is loaded through the direct lane (direct-lane.ts). Next.js offers no hook
 * before its router that sees the socket, so this wraps how every HTTP server in the process emits
 * requests; installed once, from instrumentation.ts.
 */
export function installFrontDoor(): void {
  const prototype = http.Server.prototype as http.Server & { [INSTALLED]?: true };
  if (prototype[INSTALLED]) return;
  prototype[INSTALLED] = true;
  const limiter = new RateLimiter(() => settings().rateLimitPerMinute);
  const open = new Set<http.ServerResponse>();
  const emit = prototype.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== "request") return emit.call(this, event, ...args);
    const [request, response] = args as [http.IncomingMessage, http.ServerResponse];
    const client = clientAddress(request, settings().trustedProxies);
    request.headers[CLIENT_HEADER] = client;
    if (limited(request.url ?? "/")) logWhenClosed(request, response);
    const refused = refusal(request, client, limiter);
    if (refused) {
      sendError(response, refused);
      return true;
    }
    open.add(response);
    response.once("close", () => open.delete(response));
    const direct = directHandler(request);
    if (!direct) return emit.call(this, event, ...args);
    void serveDirect(request, response, direct);
    return true;
  };
  process.once("SIGTERM", () => shutDownGracefully(open));
}
