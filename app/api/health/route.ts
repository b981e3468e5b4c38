import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";

export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/health", GET);

/** Liveness for load balancers and the test harness: answers without touching any registry. */
export function GET() {
  return Response.json({ status: "ok", uptime: Math.round(process.uptime()) }, { headers: { "Cache-Control": "no-store" } });
}
