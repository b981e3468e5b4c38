import { imageCacheControl, imageQuery } from "@/lib/http/image-query";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";
import { handle } from "@/lib/http/respond";
import { registryView } from "@/lib/service/source-view";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/v1/summary", GET);

export function GET(request: Request) {
  return handle(request, async (query) => {
    const image = await imageQuery(request, query);
    const summary = await registryView(image).summary(query.layerIndexIfGiven("upto"));
    return Response.json(summary, { headers: { "Cache-Control": imageCacheControl(image) } });
  });
}
