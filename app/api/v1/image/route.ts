import { handle } from "@/lib/http/respond";
import { requestAuth } from "@/lib/session/session";
import { PortholeError } from "@/lib/errors";
import { resolveImage } from "@/lib/registry/image";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handle(request, async () => {
    const params = new URL(request.url).searchParams;
    const ref = params.get("ref");
    if (!ref) throw new PortholeError("BAD_REQUEST", "the ref parameter is required, e.g. ?ref=alpine:3.19");
    const image = await resolveImage(ref, { platform: params.get("platform"), ...requestAuth(request, ref) });
    return Response.json(image, { headers: { "Cache-Control": "no-store" } });
  });
}
