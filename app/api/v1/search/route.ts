import { imageCacheControl, imageQuery } from "@/lib/http/image-query";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";
import { handle } from "@/lib/http/respond";
import { registryView } from "@/lib/service/source-view";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/v1/search", GET);

/** At most this many matches in one answer. */
const MAX_MATCHES = 1_000;

export function GET(request: Request) {
  return handle(request, async (query) => {
    const image = await imageQuery(request, query);
    const found = await registryView(image).search(
      query.require("q"),
      query.layerIndexIfGiven("upto"),
      query.count("limit", 200, MAX_MATCHES),
      query.get("after") ?? undefined,
    );
    return Response.json(found, { headers: { "Cache-Control": imageCacheControl(image) } });
  });
}
