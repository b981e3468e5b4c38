import { PortholeError } from "@/lib/core/errors";
import { cacheControl, handle } from "@/lib/http/respond";
import { loadImageFs } from "@/lib/service/image-fs";
import { isAnonymous, requestAuth } from "@/lib/session/session";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handle(request, async (query) => {
    const ref = query.require("ref");
    const layerText = query.require("layer");
    if (!/^\d+$/.test(layerText)) throw new PortholeError("BAD_REQUEST", "the layer parameter must be a layer index (0 is the bottom layer)");
    const layer = Number(layerText);
    const { merge, image } = await loadImageFs(ref, { platform: query.get("platform"), ...requestAuth(request, ref) });
    if (layer >= image.layers.length) throw new PortholeError("NOT_FOUND", `the image has ${image.layers.length} layers; there is no layer ${layer}`);
    const headers = { "Cache-Control": cacheControl(ref.includes("@"), await isAnonymous(request, ref)) };
    return Response.json({ layer, changes: merge.changes(layer) }, { headers });
  });
}
