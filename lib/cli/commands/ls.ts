import "server-only";
import { cleanPath } from "@/lib/core/paths";
import type { FileMeta, LayerEntry, LayerInfo } from "@/lib/core/api-types";
import { valueOf, words } from "@/lib/cli/args";
import { printJson, type Command, type Context } from "@/lib/cli/context";
import { layerIndex } from "@/lib/cli/layer-choice";
import { fileColumns, table } from "@/lib/cli/text";
import type { SourceView } from "@/lib/service/source-view";

/** Only `path` and what is below it (everything for `/`). */
const within = (path: string) => (file: FileMeta) => path === "/" || file.path === path || file.path.startsWith(`${path}/`);

/** What one layer's tar holds, in tar order, its whiteout and opaque markers marked. */
async function listLayer(context: Context, view: SourceView, choice: string, path: string): Promise<number> {
  const image = await view.image();
  const index = layerIndex(image, choice);
  const digest = (image.layers[index] as LayerInfo).digest;
  const entries: LayerEntry[] = [];
  for await (const entry of view.layerEntries(digest)) if (within(path)(entry)) entries.push(entry);
  if (context.args.flags.has("json")) return printJson(context, { layer: index, digest, entries });
  const marker = (entry: LayerEntry) => (entry.whiteout ? "deleted" : entry.opaque ? "opaque" : "");
  context.print(table(entries.map((entry) => fileColumns(entry, marker(entry)))));
  return 0;
}

/** `porthole ls REF [PATH]`: the merged tree (or `--layer`'s entries) with each path's layer; `--json` in the fs answer's shape. */
export const ls: Command = async (context) => {
  const [spec, rawPath = "/"] = words(context.args, 1, 2, "ls REF [PATH] [--layer N|DIGEST] [--platform os/arch] [--json]");
  const view = await context.open(spec as string);
  const path = cleanPath(rawPath);
  const layer = valueOf(context.args, "layer");
  if (layer !== null) return listLayer(context, view, layer, path);
  const files = (await view.fs(null)).files.filter(within(path));
  if (context.args.flags.has("json")) return printJson(context, { files });
  context.print(table(files.map((file) => fileColumns(file, `L${file.layer}`))));
  return 0;
};
