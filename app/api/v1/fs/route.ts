import { imageCacheControl, imageQuery } from "@/lib/http/image-query";
import { jsonOnce, jsonText } from "@/lib/http/json-once";
import { handle } from "@/lib/http/respond";
import { registryView } from "@/lib/service/source-view";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/v1/fs", GET);

export function GET(request: Request) {
  return handle(request, async (query) => {
    const image = await imageQuery(request, query);
    const fs = await registryView(image).fs(query.layerIndexIfGiven("upto"));
    return jsonText(jsonOnce(fs), { "Cache-Control": imageCacheControl(image) });
  });
}
