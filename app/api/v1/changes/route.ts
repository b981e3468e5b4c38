import { imageCacheControl, imageQuery } from "@/lib/http/image-query";
import { handle } from "@/lib/http/respond";
import { registryView } from "@/lib/service/source-view";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/v1/changes", GET);

/** At most this many changes in one page. */
const MAX_PAGE = 10_000;

export function GET(request: Request) {
  return handle(request, async (query) => {
    const image = await imageQuery(request, query);
    const layer = query.layerIndex("layer");
    const changes = await registryView(image).changes(layer, query.pageIfGiven(MAX_PAGE) ?? undefined);
    return Response.json(changes, { headers: { "Cache-Control": imageCacheControl(image) } });
  });
}
