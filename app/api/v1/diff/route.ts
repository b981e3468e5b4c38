import { imageQuery } from "@/lib/http/image-query";
import { cacheControl, handle } from "@/lib/http/respond";
import { isPinned } from "@/lib/core/reference";
import { compareImages } from "@/lib/service/compare";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/v1/diff", GET);

export function GET(request: Request) {
  return handle(request, async (query) => {
    const a = await imageQuery(request, query, { ref: "a", platform: "platformA" });
    const b = await imageQuery(request, query, { ref: "b", platform: "platformB" });
    const diff = await compareImages(a, b);
    const pinned = isPinned(a.ref) && isPinned(b.ref);
    const anonymous = a.auth.credentials === null && b.auth.credentials === null;
    return Response.json(diff, { headers: { "Cache-Control": cacheControl(pinned, anonymous) } });
  });
}
