import "server-only";
import { surfaceItems, surfaceItemText } from "@/lib/core/surface-words";
import type { PackagesResponse } from "@/lib/core/api-types";
import { words } from "@/lib/cli/args";
import { printJson, type Command } from "@/lib/cli/context";
import { table } from "@/lib/cli/text";

function report(answer: PackagesResponse): string[] {
  const rows = answer.packages.map((pkg) => [pkg.type, pkg.name, pkg.version, `L${pkg.layer}`, pkg.db]);
  return [
    surfaceItems(answer.surface).map(surfaceItemText).join(" · "),
    "",
    table([["TYPE", "NAME", "VERSION", "LAYER", "DATABASE"], ...rows]),
    ...answer.problems.map((problem) => `could not read ${problem.db}: ${problem.message}`),
  ];
}

/** `porthole packages REF`: what is installed and the attack surface (`--json`: the packages answer; `--files` adds each package's files). */
export const packages: Command = async (context) => {
  const [spec] = words(context.args, 1, 1, "packages REF [--platform os/arch] [--files] [--json]");
  const answer = await (await context.open(spec as string)).packages(context.args.flags.has("files"));
  if (context.args.flags.has("json")) return printJson(context, answer);
  context.print(report(answer).join("\n"));
  return 0;
};
