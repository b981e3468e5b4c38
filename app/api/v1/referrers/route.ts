import { imageQuery, movingCacheControl } from "@/lib/http/image-query";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";
import { handle } from "@/lib/http/respond";
import { imageReferrers } from "@/lib/service/referrers";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/v1/referrers", GET);

export function GET(request: Request) {
  return handle(request, async (query) => {
    const image = await imageQuery(request, query);
    // New signatures and attestations can be pushed for the same digest at any time.
    return Response.json(await imageReferrers(image), { headers: { "Cache-Control": movingCacheControl(image.auth) } });
  });
}
