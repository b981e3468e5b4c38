import { PortholeError } from "@/lib/errors";
import { cacheControl, handle } from "@/lib/http/respond";
import { isAnonymous, requestAuth } from "@/lib/session/session";
import { loadImageFs } from "@/lib/service/image-fs";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handle(request, async () => {
    const params = new URL(request.url).searchParams;
    const ref = params.get("ref");
    const layerText = params.get("layer") ?? "";
    if (!ref) throw new PortholeError("BAD_REQUEST", "the ref parameter is required");
    if (!/^\d+$/.test(layerText)) throw new PortholeError("BAD_REQUEST", "the layer parameter must be a layer index (0 is the bottom layer)");
    const layer = Number(layerText);
    const { merge, image } = await loadImageFs(ref, { platform: params.get("platform"), ...requestAuth(request, ref) });
    if (layer >= image.layers.length) throw new PortholeError("NOT_FOUND", `the image has ${image.layers.length} layers; there is no layer ${layer}`);
    return Response.json(
      { layer, changes: merge.changes(layer) },
      { headers: { "Cache-Control": cacheControl(ref.includes("@"), await isAnonymous(request, ref)) } },
    );
  });
}
