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
    if (!ref) throw new PortholeError("BAD_REQUEST", "the ref parameter is required");
    const upToText = params.get("upto");
    if (upToText !== null && !/^\d+$/.test(upToText)) throw new PortholeError("BAD_REQUEST", "upto must be a layer index (0 is the bottom layer)");
    const { fs } = await loadImageFs(ref, { platform: params.get("platform"), upTo: upToText === null ? null : Number(upToText), ...requestAuth(request, ref) });
    return Response.json(fs, { headers: { "Cache-Control": cacheControl(ref.includes("@"), await isAnonymous(request, ref)) } });
  });
}
