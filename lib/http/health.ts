import "server-only";
import { redisState } from "@/lib/coord/redis";
import { storeState } from "@/lib/cache/content-cache";
import { shutdownState } from "@/lib/http/shutdown";

export interface ProbeAnswer {
  status: number;
  body: unknown;
}

/**
 * Liveness, and how the shared parts are: 200 whenever this instance answers, `degraded` when the
 * store or Redis is down (the instance then works alone: its own disk, its own single flight and
 * limits), so a load balancer keeps it in and an operator sees what is missing.
 */
export async function health(): Promise<ProbeAnswer> {
  const [store, redis] = await Promise.all([storeState(), redisState()]);
  const status = store === "down" || redis === "down" ? "degraded" : "ok";
  return { status: 200, body: { status, store, redis, uptime: Math.round(process.uptime()) } };
}

/** Whether to send this instance requests: not once it is shutting down (Next.js is prepared before the server listens). */
export async function readiness(): Promise<ProbeAnswer> {
  if (shutdownState().stopping) return { status: 503, body: { ready: false, reason: "shutting down" } };
  return { status: 200, body: { ready: true } };
}
