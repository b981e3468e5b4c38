import "server-only";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { settings } from "@/lib/config";
import { asPortholeError, PortholeError } from "@/lib/core/errors";
import { CLIENT_HEADER, clientAddress } from "@/lib/http/client-address";
import { markNavigation } from "@/lib/http/navigation";
import { directHandler, serveDirect } from "@/lib/http/direct-lane";
import { health, readiness, type ProbeAnswer } from "@/lib/http/health";
import { logWhenClosed } from "@/lib/http/log";
import { notAllowed } from "@/lib/http/methods";
import { sendError, sendJson } from "@/lib/http/node-response";
import { sharedRateLimit } from "@/lib/coord/rate-limit";
import { shutdownState } from "@/lib/http/shutdown";

/** What a load balancer polls, answered here without Next.js, a registry or a rate limit. */
const PROBES = new Map<string, () => Promise<ProbeAnswer>>([
  ["/api/health", health],
  ["/api/ready", readiness],
]);

/** API requests count against a client's rate and are logged; pages, assets and the probes are not. */
const limited = (path: string) => path.startsWith("/api/") && !PROBES.has(path);

const pathOf = (request: IncomingMessage) => (request.url ?? "/").split("?", 1)[0] as string;

/** Why a request may not go in, or null: the server is stopping, or this client is over its rate. */
async function refusal(path: string, client: string): Promise<PortholeError | null> {
  if (shutdownState().stopping) return new PortholeError("SHUTTING_DOWN", "the server is shutting down; try again in a moment");
  if (!limited(path)) return null;
  const perMinute = settings().rateLimitPerMinute;
  const wait = await sharedRateLimit(client, perMinute);
  if (wait === 0) return null;
  return new PortholeError("RATE_LIMITED", `too many requests from ${client}: at most ${perMinute} a minute; try again in ${wait} s`, {
    retryAfter: wait,
  });
}

async function answerProbe(request: IncomingMessage, response: ServerResponse, probe: () => Promise<ProbeAnswer>) {
  if (request.method !== "GET" && request.method !== "HEAD") {
    const { error, allow } = notAllowed(request.method, ["GET"]);
    return sendError(response, error, { allow });
  }
  const { status, body } = await probe();
  sendJson(response, status, body, request.method === "HEAD");
}

export interface FrontDoorOptions {
  /** Answer API GETs through their route's handler once Next.js has loaded it (direct-lane.ts). */
  directLane: boolean;
  /** Responses under way, for the shutdown to wait on and, at the end, cut. */
  open: Set<ServerResponse>;
}

/**
 * The server's front door, before Next.js sees a request: stamps the client's address on it
 * (replacing any the client sent) and whether it is a navigation inside the app, answers the health and readiness probes, applies each client's
 * rate limit (shared by every instance when Redis is on), logs API requests, turns requests away
 * while shutting down, keeps track of what is open for the shutdown, and hands the rest to the
 * direct lane or to Next.js.
 */
export function frontDoor(next: RequestListener, options: FrontDoorOptions): RequestListener {
  return (request, response) =>
    void admit(request, response, next, options).catch((error: unknown) => {
      console.error(error);
      if (!response.headersSent) sendError(response, asPortholeError(error));
      else response.destroy();
    });
}

async function admit(request: IncomingMessage, response: ServerResponse, next: RequestListener, { directLane, open }: FrontDoorOptions) {
  const client = clientAddress(request, settings().trustedProxies);
  request.headers[CLIENT_HEADER] = client;
  markNavigation(request);
  const path = pathOf(request);
  const probe = PROBES.get(path);
  if (probe) return answerProbe(request, response, probe);
  if (limited(path)) logWhenClosed(request, response);
  const refused = await refusal(path, client);
  if (refused) return sendError(response, refused);
  open.add(response);
  response.once("close", () => open.delete(response));
  const direct = directLane ? directHandler(request) : undefined;
  if (direct) return serveDirect(request, response, direct);
  next(request, response);
}
