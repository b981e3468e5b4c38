import "server-only";
import { readFile } from "node:fs/promises";
import { PortholeError } from "@/lib/core/errors";
import { valueOf, words, type Args } from "@/lib/cli/args";
import type { Command, Context } from "@/lib/cli/context";
import { DEFAULT_RULES, evaluateRules, isRuleName, parseDiveCi, reportLines, RULE_NAMES, thresholds, type RuleValues } from "@/lib/cli/dive-ci";

/** dive's default config file, read from the working directory when present. */
const DEFAULT_CONFIG = ".dive-ci";

/** The rules from the config file (`--ci-config`, which must exist, or `.dive-ci` if there is one). */
async function fileRules(context: Context): Promise<Partial<RuleValues>> {
  const named = valueOf(context.args, "ci-config");
  const path = named ?? DEFAULT_CONFIG;
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" && named === null) return null;
    throw new PortholeError("BAD_REQUEST", `the CI config ${path} cannot be read: ${error.message}`);
  });
  if (text === null) return {};
  const rules: Partial<RuleValues> = {};
  for (const [name, value] of Object.entries(parseDiveCi(text))) {
    if (isRuleName(name)) rules[name] = value;
    else context.warn(`porthole: ${path}: unknown rule ${name} ignored (rules: ${RULE_NAMES.join(", ")})`);
  }
  context.print(`  Using CI config: ${path}`);
  return rules;
}

/** Flags win over the file, the file over dive's defaults. */
function flagRules(args: Args): Partial<RuleValues> {
  return Object.fromEntries(RULE_NAMES.flatMap((name) => (valueOf(args, name) === null ? [] : [[name, valueOf(args, name)]])));
}

/**
 * `porthole ci REF`: dive's CI rules on the image. Exit 0 when every rule passes, 1 when one fails;
 * a misconfigured rule (a value that does not parse) is an error, 2, found before the image is read.
 */
export const ci: Command = async (context) => {
  const [spec] = words(
    context.args,
    1,
    1,
    "ci REF [--ci-config PATH] [--lowestEfficiency R] [--highestWastedBytes SIZE] [--highestUserWastedPercent R]",
  );
  const limits = thresholds({ ...DEFAULT_RULES, ...(await fileRules(context)), ...flagRules(context.args) });
  const fs = await (await context.open(spec as string)).fs(null);
  const results = evaluateRules(limits, fs);
  context.print(reportLines(results).join("\n"));
  return results.some((result) => result.status === "FAIL") ? 1 : 0;
};
