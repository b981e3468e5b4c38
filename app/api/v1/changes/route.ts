import { imageCacheControl, imageQuery } from "@/lib/http/image-query";
import { handle } from "@/lib/http/respond";
import { registryView } from "@/lib/service/source-view";
import type { SortKey } from "@/lib/core/tree";
import { otherMethods } from "@/lib/http/methods";
import { serveDirectly } from "@/lib/http/direct-lane";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
serveDirectly("/api/v1/changes", GET);

/** At most this many changes in one page. */
const MAX_PAGE = 10_000;

export function GET(request: Request) {
  return handle(request, async (query) => {
    const image = await imageQuery(request, query);
    const layer = query.layerIndex("layer");
    const view = registryView(image);
    // `dir`: one directory of the layer's changes (as /api/v1/dir has the merged tree's); else its changes in path order (those `q` matches).
    const dir = query.get("dir");
    const answer =
      dir === null
        ? await view.changes(layer, query.pageIfGiven(MAX_PAGE) ?? undefined, query.get("q") ?? undefined)
        : await view.changedDirectory(layer, dir, query.oneOf<SortKey>("sort", ["name", "size"]));
    return Response.json(answer, { headers: { "Cache-Control": imageCacheControl(image) } });
  });
}
