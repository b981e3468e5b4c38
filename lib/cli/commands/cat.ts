import "server-only";
import { pipeline } from "node:stream/promises";
import { valueOf, words } from "@/lib/cli/args";
import type { Command } from "@/lib/cli/context";
import { layerIndex } from "@/lib/cli/layer-choice";
import { openFile } from "@/lib/service/file";

/** `porthole cat REF PATH [--layer N|DIGEST]`: the file's bytes to stdout, byte for byte (hardlinks followed). */
export const cat: Command = async (context) => {
  const [spec, path] = words(context.args, 2, 2, "cat REF PATH [--layer N|DIGEST] [--platform os/arch]");
  const source = await context.open(spec as string);
  const layer = valueOf(context.args, "layer");
  const digest = layer === null ? null : (source.image.layers[layerIndex(source.image, layer)]?.digest ?? null);
  const { content } = await openFile(source, path as string, digest);
  await pipeline(content, context.stdout, { end: false });
  return 0;
};
