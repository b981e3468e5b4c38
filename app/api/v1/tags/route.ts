import { movingCacheControl, repositoryQuery } from "@/lib/http/image-query";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";
import { handle } from "@/lib/http/respond";
import { repositoryTags } from "@/lib/service/tags";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/v1/tags", GET);

export function GET(request: Request) {
  return handle(request, async (query) => {
    const { repository, auth } = await repositoryQuery(request, query);
    const tags = await repositoryTags(repository, auth);
    return Response.json(tags, { headers: { "Cache-Control": movingCacheControl(auth) } });
  });
}
