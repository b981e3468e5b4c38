import { handle } from "@/lib/http/respond";
import { resolveImage } from "@/lib/registry/image";
import { requestAuth } from "@/lib/session/session";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handle(request, async (query) => {
    const ref = query.require("ref");
    const image = await resolveImage(ref, { platform: query.get("platform"), ...requestAuth(request, ref) });
    return Response.json(image, { headers: { "Cache-Control": "no-store" } });
  });
}
