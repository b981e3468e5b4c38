import "server-only";
import { formatBytes } from "@/lib/core/format";
import type { FsResponse, ImageInfo } from "@/lib/core/api-types";
import type { RunSettings } from "@/lib/core/image-config";
import { formatPlatform } from "@/lib/core/platform";
import { words } from "@/lib/cli/args";
import { printJson, type Command } from "@/lib/cli/context";
import { percent, table } from "@/lib/cli/text";

/** The run settings a reader of an image wants first. */
function runLines(run: RunSettings): string[][] {
  const fields: [string, string][] = [
    ["User", run.user || "(root)"],
    ["WorkingDir", run.workingDir],
    ["Entrypoint", run.entrypoint.length > 0 ? JSON.stringify(run.entrypoint) : ""],
    ["Cmd", run.cmd.length > 0 ? JSON.stringify(run.cmd) : ""],
    ["ExposedPorts", run.exposedPorts.join(" ")],
    ...run.env.map((env): [string, string] => ["Env", env]),
  ];
  return fields.filter(([, value]) => value !== "");
}

function layerRows(image: ImageInfo, fs: FsResponse): string[][] {
  return [
    ["#", "DIGEST", "STORED", "FILES", "COMMAND"],
    ...image.layers.map((layer, i) => [
      String(i),
      layer.digest.slice(0, 19),
      formatBytes(layer.size),
      formatBytes(fs.layers[i]?.size ?? 0),
      (layer.createdBy ?? "").replace(/\s+/g, " ").slice(0, 100),
    ]),
  ];
}

/** `porthole inspect REF`: what the image is, its layers and dive's figures (`--json`: the image and fs answers, without files). */
export const inspect: Command = async (context) => {
  const [spec] = words(context.args, 1, 1, "inspect REF [--platform os/arch] [--json]");
  const { image, fs } = await (await context.open(spec as string)).merged();
  // The fs answer's figures: its file list is `porthole ls --json`'s.
  if (context.args.flags.has("json")) return printJson(context, { image, fs: { ...fs, files: undefined } });
  const stored = image.layers.reduce((sum, layer) => sum + layer.size, 0);
  context.print(
    [
      table([
        ["Reference", image.ref],
        ["Digest", image.digest],
        ["Platform", formatPlatform(image.platform)],
        ["Layers", `${image.layers.length}, ${formatBytes(stored)} stored`],
        ...runLines(image.run),
        ["Efficiency", `${percent(fs.efficiency)} (dive's figure)`],
        ["Wasted", `${formatBytes(fs.wastedBytes)} (${fs.wastedBytes} B; user-wasted ${percent(fs.userWastedPercent)})`],
        ["Reclaimable", `${formatBytes(fs.reclaimableBytes)} (squashing the layers would save this)`],
      ]),
      "",
      table(layerRows(image, fs)),
    ].join("\n"),
  );
  return 0;
};
