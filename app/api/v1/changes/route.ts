import { imageCacheControl, imageQuery } from "@/lib/http/image-query";
import { handle } from "@/lib/http/respond";
import { layerChanges } from "@/lib/service/image-fs";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handle(request, async (query) => {
    const image = await imageQuery(request, query);
    const layer = query.layerIndex("layer");
    const changes = await layerChanges(image, layer);
    return Response.json({ layer, changes }, { headers: { "Cache-Control": imageCacheControl(image) } });
  });
}
