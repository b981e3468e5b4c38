import { imageCacheControl, imageQuery } from "@/lib/http/image-query";
import { handle } from "@/lib/http/respond";
import { layerChanges } from "@/lib/service/image-fs";
import { otherMethods } from "@/lib/http/methods";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

export function GET(request: Request) {
  return handle(request, async (query) => {
    const image = await imageQuery(request, query);
    const layer = query.layerIndex("layer");
    const changes = await layerChanges(image, layer);
    return Response.json({ layer, changes }, { headers: { "Cache-Control": imageCacheControl(image) } });
  });
}
