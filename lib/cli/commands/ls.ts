import "server-only";
import { cleanPath } from "@/lib/core/paths";
import type { FileMeta, LayerEntry } from "@/lib/core/api-types";
import { valueOf, words } from "@/lib/cli/args";
import { printJson, type Command, type Context } from "@/lib/cli/context";
import { layerIndex } from "@/lib/cli/layer-choice";
import { fileColumns, table } from "@/lib/cli/text";
import { imageFs } from "@/lib/service/image-fs";
import { collectLayer } from "@/lib/service/layer-index";
import type { ImageSource } from "@/lib/service/layer-source";

/** Only `path` and what is below it (everything for `/`). */
const within = (path: string) => (file: FileMeta) => path === "/" || file.path === path || file.path.startsWith(`${path}/`);

/** What one layer's tar holds, in tar order, its whiteout and opaque markers marked. */
async function listLayer(context: Context, source: ImageSource, choice: string, path: string): Promise<number> {
  const index = layerIndex(source.image, choice);
  const entries = (await collectLayer(source.layers[index] as ImageSource["layers"][number])).filter(within(path));
  if (context.args.flags.has("json")) return printJson(context, { layer: index, digest: source.image.layers[index]?.digest, entries });
  const marker = (entry: LayerEntry) => (entry.whiteout ? "deleted" : entry.opaque ? "opaque" : "");
  context.print(table(entries.map((entry) => fileColumns(entry, marker(entry)))));
  return 0;
}

/** `porthole ls REF [PATH]`: the merged tree (or `--layer`'s entries) with each path's layer; `--json` in the fs answer's shape. */
export const ls: Command = async (context) => {
  const [spec, rawPath = "/"] = words(context.args, 1, 2, "ls REF [PATH] [--layer N|DIGEST] [--platform os/arch] [--json]");
  const source = await context.open(spec as string);
  const path = cleanPath(rawPath);
  const layer = valueOf(context.args, "layer");
  if (layer !== null) return listLayer(context, source, layer, path);
  const files = (await imageFs(source)).fs.files.filter(within(path));
  if (context.args.flags.has("json")) return printJson(context, { files });
  context.print(table(files.map((file) => fileColumns(file, `L${file.layer}`))));
  return 0;
};
