import "server-only";
import { pipeline } from "node:stream/promises";
import { valueOf, words } from "@/lib/cli/args";
import type { Command } from "@/lib/cli/context";
import { layerIndex } from "@/lib/cli/layer-choice";

/** `porthole cat REF PATH [--layer N|DIGEST]`: the file's bytes to stdout, byte for byte (hardlinks followed). */
export const cat: Command = async (context) => {
  const [spec, path] = words(context.args, 2, 2, "cat REF PATH [--layer N|DIGEST] [--platform os/arch]");
  const view = await context.open(spec as string);
  const image = await view.image();
  const layer = valueOf(context.args, "layer");
  const digest = layer === null ? null : (image.layers[layerIndex(image, layer)]?.digest ?? null);
  const { content } = await view.openFile({ path: path as string, layer: digest }, null);
  await pipeline(content, context.stdout, { end: false });
  return 0;
};
