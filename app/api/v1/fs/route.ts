import { PortholeError } from "@/lib/core/errors";
import { cacheControl, handle } from "@/lib/http/respond";
import { loadImageFs } from "@/lib/service/image-fs";
import { isAnonymous, requestAuth } from "@/lib/session/session";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handle(request, async (query) => {
    const ref = query.require("ref");
    const upTo = query.get("upto");
    if (upTo !== null && !/^\d+$/.test(upTo)) throw new PortholeError("BAD_REQUEST", "upto must be a layer index (0 is the bottom layer)");
    const { fs } = await loadImageFs(ref, { platform: query.get("platform"), upTo: upTo === null ? null : Number(upTo), ...requestAuth(request, ref) });
    return Response.json(fs, { headers: { "Cache-Control": cacheControl(ref.includes("@"), await isAnonymous(request, ref)) } });
  });
}
