import { imageCacheControl, imageQuery } from "@/lib/http/image-query";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";
import { handle } from "@/lib/http/respond";
import { registryView } from "@/lib/service/source-view";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/v1/dir", GET);

export function GET(request: Request) {
  return handle(request, async (query) => {
    const image = await imageQuery(request, query);
    const sort = query.oneOf("sort", ["name", "size"]);
    const directory = await registryView(image).directory(query.get("path") ?? "/", query.layerIndexIfGiven("upto"), sort);
    return Response.json(directory, { headers: { "Cache-Control": imageCacheControl(image) } });
  });
}
