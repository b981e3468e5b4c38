import { PortholeError } from "@/lib/errors";
import { ndjsonResponse } from "@/lib/http/ndjson";
import { cacheControl, handle } from "@/lib/http/respond";
import { isAnonymous, requestAuth } from "@/lib/session/session";
import { proveBlobAccess } from "@/lib/service/access";
import { layerEntries } from "@/lib/service/layer-index";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handle(request, async () => {
    const params = new URL(request.url).searchParams;
    const ref = params.get("ref");
    const digest = params.get("digest");
    if (!ref || !digest) throw new PortholeError("BAD_REQUEST", "the ref and digest parameters are required");
    const auth = requestAuth(request, ref);
    const target = await proveBlobAccess(ref, digest, auth);
    return ndjsonResponse(layerEntries({ ...target, digest }, auth), { "Cache-Control": cacheControl(true, await isAnonymous(request, ref)) });
  });
}
