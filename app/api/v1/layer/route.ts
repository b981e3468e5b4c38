import { imageCacheControl, imageQuery } from "@/lib/http/image-query";
import { ndjsonFileResponse, ndjsonResponse } from "@/lib/http/ndjson";
import { handle } from "@/lib/http/respond";
import { proveBlobAccess } from "@/lib/service/access";
import { cachedListing } from "@/lib/service/cached-listing";
import { layerEntries } from "@/lib/service/layer-index";
import { queriedLayer } from "@/lib/service/layer-source";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly, takesGzippedBody } from "@/lib/http/direct-lane";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/v1/layer", GET);

export function GET(request: Request) {
  return handle(request, async (query) => {
    const image = await imageQuery(request, query);
    const digest = query.digest("digest");
    const { size } = await proveBlobAccess(image.ref, digest, image.auth);
    const headers = { "Cache-Control": imageCacheControl(image, true) };
    const cached = await cachedListing(digest, takesGzippedBody(request));
    if (cached) return ndjsonFileResponse(cached, headers);
    return ndjsonResponse(layerEntries(await queriedLayer(image, digest, size)), headers);
  });
}
