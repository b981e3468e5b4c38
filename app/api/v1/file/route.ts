import { fileResponse } from "@/lib/http/file-response";
import { handle } from "@/lib/http/respond";
import { openFile } from "@/lib/service/file";
import { isAnonymous, requestAuth } from "@/lib/session/session";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handle(request, async (query) => {
    const ref = query.require("ref");
    const layerDigest = query.get("layer");
    const file = await openFile(ref, query.require("path"), { platform: query.get("platform"), layerDigest, ...requestAuth(request, ref) });
    return fileResponse(file, {
      download: query.get("download") === "1",
      immutable: ref.includes("@") || layerDigest !== null,
      publicImage: await isAnonymous(request, ref),
    });
  });
}
