import { ndjsonFileResponse, ndjsonResponse } from "@/lib/http/ndjson";
import { cacheControl, handle } from "@/lib/http/respond";
import { proveBlobAccess } from "@/lib/service/access";
import { cachedLayerIndex, layerEntries } from "@/lib/service/layer-index";
import { isAnonymous, requestAuth } from "@/lib/session/session";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handle(request, async (query) => {
    const ref = query.require("ref");
    const digest = query.require("digest");
    const auth = requestAuth(request, ref);
    const target = await proveBlobAccess(ref, digest, auth);
    const headers = { "Cache-Control": cacheControl(true, await isAnonymous(request, ref)) };
    const cached = await cachedLayerIndex(digest);
    return cached ? ndjsonFileResponse(cached, headers) : ndjsonResponse(layerEntries({ ...target, digest }, auth), headers);
  });
}
