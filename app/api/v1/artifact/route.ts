import { imageCacheControl, imageQuery } from "@/lib/http/image-query";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";
import { handle } from "@/lib/http/respond";
import { readArtifact } from "@/lib/service/artifact";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/v1/artifact", GET);

export function GET(request: Request) {
  return handle(request, async (query) => {
    const image = await imageQuery(request, query);
    const artifact = await readArtifact(image, query.digest("digest"));
    // Addressed by its digest: it never changes.
    return Response.json(artifact, { headers: { "Cache-Control": imageCacheControl(image, true) } });
  });
}
