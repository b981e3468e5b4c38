import { requestedPart } from "@/lib/http/file-range";
import { fileResponse } from "@/lib/http/file-response";
import { imageCacheControl, imageQuery } from "@/lib/http/image-query";
import { handle } from "@/lib/http/respond";
import { registryView } from "@/lib/service/source-view";
import { isPinned } from "@/lib/core/reference";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/v1/file", GET);

export function GET(request: Request) {
  return handle(request, async (query) => {
    const image = await imageQuery(request, query);
    const layerDigest = query.digestIfGiven("layer");
    const file = await registryView(image).openFile({ path: query.require("path"), layer: layerDigest }, requestedPart(request, query));
    // A layer digest pins the bytes even when the image reference is a tag.
    const cacheControl = imageCacheControl(image, layerDigest !== null || isPinned(image.ref));
    return fileResponse(file, { download: query.get("download") === "1", cacheControl });
  });
}
