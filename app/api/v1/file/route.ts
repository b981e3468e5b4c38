import { PortholeError } from "@/lib/errors";
import { fileResponse } from "@/lib/http/file-response";
import { handle } from "@/lib/http/respond";
import { isAnonymous, requestAuth } from "@/lib/session/session";
import { openFile } from "@/lib/service/file";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handle(request, async () => {
    const params = new URL(request.url).searchParams;
    const ref = params.get("ref");
    const path = params.get("path");
    if (!ref || !path) throw new PortholeError("BAD_REQUEST", "the ref and path parameters are required");
    const layerDigest = params.get("layer");
    const file = await openFile(ref, path, { platform: params.get("platform"), layerDigest, ...requestAuth(request, ref) });
    return fileResponse(file, { download: params.get("download") === "1", immutable: ref.includes("@") || layerDigest !== null, publicImage: await isAnonymous(request, ref) });
  });
}
