import { imageCacheControl, imageQuery } from "@/lib/http/image-query";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";
import { handle } from "@/lib/http/respond";
import { registryImage } from "@/lib/service/layer-source";
import { imagePackages } from "@/lib/service/packages";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/v1/packages", GET);

export function GET(request: Request) {
  return handle(request, async (query) => {
    const image = await imageQuery(request, query);
    const packages = await imagePackages(await registryImage(image), query.get("files") === "1");
    return Response.json(packages, { headers: { "Cache-Control": imageCacheControl(image) } });
  });
}
