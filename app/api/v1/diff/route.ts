import { imageQuery } from "@/lib/http/image-query";
import { cacheControl, handle } from "@/lib/http/respond";
import { isPinned } from "@/lib/core/reference";
import { compareImages } from "@/lib/service/compare";
import { diffPage } from "@/lib/compare/diff";
import { cleanPath } from "@/lib/core/paths";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/v1/diff", GET);

/** At most this many changes in one page. */
const MAX_PAGE = 10_000;

export function GET(request: Request) {
  return handle(request, async (query) => {
    const a = await imageQuery(request, query, { ref: "a", platform: "platformA" });
    const b = await imageQuery(request, query, { ref: "b", platform: "platformB" });
    const whole = await compareImages(a, b);
    const page = query.pageIfGiven(MAX_PAGE);
    const under = query.get("under");
    const diff = page ? diffPage(whole, page, under === null ? null : cleanPath(under)) : whole;
    const pinned = isPinned(a.ref) && isPinned(b.ref);
    const anonymous = a.auth.credentials === null && b.auth.credentials === null;
    return Response.json(diff, { headers: { "Cache-Control": cacheControl(pinned, anonymous) } });
  });
}
