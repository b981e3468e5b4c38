import "server-only";
import { formatBytes, formatSignedBytes } from "@/lib/core/format";
import type { DiffResponse, DiffSide } from "@/lib/core/api-types";
import { valueOf, words } from "@/lib/cli/args";
import { printJson, type Command } from "@/lib/cli/context";
import { percent } from "@/lib/cli/text";
import { compareLoaded } from "@/lib/compare/diff";

const LETTER = { added: "A", removed: "D", modified: "M" } as const;

const sideLine = (name: string, side: DiffSide) =>
  `${name}: ${side.ref} ${side.digest} · ${side.layers} layers · ${formatBytes(side.size)} · ${side.files} paths · efficiency ${percent(side.efficiency)}`;

function report(diff: DiffResponse): string[] {
  const { summary } = diff;
  return [
    sideLine("a", diff.a),
    sideLine("b", diff.b),
    `shared base layers: ${diff.sharedLayers}`,
    `${summary.added} added (${formatSignedBytes(summary.addedBytes)}) · ${summary.removed} removed (${formatSignedBytes(-summary.removedBytes)}) · ${summary.modified} modified · ${summary.unchanged} unchanged`,
    ...diff.changes.map((change) => `${LETTER[change.change]} ${change.path}${change.fields ? ` (${change.fields.join(", ")})` : ""}`),
    ...diff.config.map((field) => `config ${field.field}: ${field.a ?? "(unset)"} → ${field.b ?? "(unset)"}`),
  ];
}

/**
 * `porthole diff A B`: what changed between two images, path by path and in their configs
 * (`--json`: the diff answer). `--platform` picks both sides' platform, `--platform-a` and
 * `--platform-b` each side's own (as the API's platformA and platformB): arm64 against amd64.
 */
export const diff: Command = async (context) => {
  const [a, b] = words(context.args, 2, 2, "diff A B [--platform os/arch] [--platform-a os/arch] [--platform-b os/arch] [--json]");
  const side = (spec: string, flag: string) => context.open(spec, valueOf(context.args, flag)).then((view) => view.merged());
  const [left, right] = await Promise.all([side(a as string, "platform-a"), side(b as string, "platform-b")]);
  const result = compareLoaded(left, right);
  if (context.args.flags.has("json")) return printJson(context, result);
  context.print(report(result).join("\n"));
  return 0;
};
