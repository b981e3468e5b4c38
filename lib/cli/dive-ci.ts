import "server-only";
import { PortholeError } from "@/lib/core/errors";

/**
 * dive's CI rules (`dive --ci`), with dive's names, defaults, units and comparisons, so a `.dive-ci`
 * written for dive means the same here.
 */

export const RULE_NAMES = ["lowestEfficiency", "highestWastedBytes", "highestUserWastedPercent"] as const;
export type RuleName = (typeof RULE_NAMES)[number];
export type RuleValues = Record<RuleName, string>;

/** dive's defaults. */
export const DEFAULT_RULES: RuleValues = { lowestEfficiency: "0.9", highestWastedBytes: "disabled", highestUserWastedPercent: "0.1" };

export const isRuleName = (name: string): name is RuleName => (RULE_NAMES as readonly string[]).includes(name);

/** A YAML scalar as written: a trailing ` # comment` and one pair of quotes removed. */
function scalar(text: string): string {
  const value = text.replace(/(^|\s)#.*$/, "").trim();
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/**
 * The `rules:` map of a `.dive-ci` file. dive's file is flat YAML (a top-level `rules:` key over
 * `name: value` lines), so this reads exactly that: comments and blank lines skipped, other
 * top-level keys ignored; anything else under `rules:` is a BAD_REQUEST naming the line.
 */
export function parseDiveCi(text: string): Record<string, string> {
  const rules: Record<string, string> = {};
  let inRules = false;
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (!line.trim() || /^\s*#/.test(line)) continue;
    if (!/^\s/.test(line)) {
      inRules = /^rules\s*:\s*(#.*)?$/.test(line);
      continue;
    }
    if (!inRules) continue;
    const match = /^\s+([A-Za-z0-9_-]+)\s*:\s*(.*)$/.exec(line);
    if (!match) throw new PortholeError("BAD_REQUEST", `line ${index + 1} of the CI config is not a "name: value" rule: ${line.trim()}`);
    rules[match[1] as string] = scalar(match[2] as string);
  }
  return rules;
}

const BYTE_UNITS: Record<string, number> = { "": 1, b: 1 };
for (const [i, prefix] of ["k", "m", "g", "t", "p", "e"].entries()) {
  BYTE_UNITS[prefix] = BYTE_UNITS[`${prefix}b`] = 1000 ** (i + 1);
  BYTE_UNITS[`${prefix}i`] = BYTE_UNITS[`${prefix}ib`] = 1024 ** (i + 1);
}

/** A size as dive reads it (go-humanize's ParseBytes): `20MB` is 20 000 000, `20MiB` 20 971 520, `1.5 GB`, `512`. */
export function parseBytes(text: string): number | null {
  const match = /^\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]*)\s*$/.exec(text);
  const unit = BYTE_UNITS[(match?.[2] ?? "").toLowerCase()];
  if (!match || unit === undefined) return null;
  return Math.floor(Number(match[1]) * unit);
}

const ratio = (text: string) => (/^\s*[-+]?([0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?)\s*$/.test(text) ? Number(text) : null);

/** What the rules measure: dive's figures for the image. */
export interface Figures {
  efficiency: number;
  wastedBytes: number;
  userWastedPercent: number;
}

export type RuleStatus = "PASS" | "FAIL" | "SKIP";
export interface RuleResult {
  rule: RuleName;
  status: RuleStatus;
  message: string;
}

/** Each rule's threshold (null: disabled), read as dive reads it; a value that does not parse is a BAD_REQUEST, as dive's "CI Misconfigured". */
export function thresholds(values: RuleValues): Record<RuleName, number | null> {
  const read = (rule: RuleName): number | null => {
    const value = values[rule].trim();
    if (value === "disabled") return null;
    const threshold = rule === "highestWastedBytes" ? parseBytes(value) : ratio(value);
    if (threshold === null) throw new PortholeError("BAD_REQUEST", `invalid config value for ${rule} ('${value}')`);
    return threshold;
  };
  return {
    lowestEfficiency: read("lowestEfficiency"),
    highestWastedBytes: read("highestWastedBytes"),
    highestUserWastedPercent: read("highestUserWastedPercent"),
  };
}

/** One rule judged as dive judges it; the message always states the measured value. */
function judge(rule: RuleName, threshold: number | null, figures: Figures): RuleResult {
  const result = (status: RuleStatus, message: string) => ({ rule, status, message });
  if (threshold === null) return result("SKIP", "rule disabled");
  if (rule === "lowestEfficiency") {
    const measured = `efficiency=${figures.efficiency}`;
    return threshold > figures.efficiency
      ? result("FAIL", `image efficiency is too low (${measured} < threshold=${threshold})`)
      : result("PASS", `${measured} >= threshold=${threshold}`);
  }
  if (rule === "highestWastedBytes") {
    const measured = `wasted-bytes=${figures.wastedBytes}`;
    return figures.wastedBytes > threshold
      ? result("FAIL", `too many bytes wasted (${measured} > threshold=${threshold})`)
      : result("PASS", `${measured} <= threshold=${threshold}`);
  }
  const measured = `%-user-wasted-bytes=${figures.userWastedPercent}`;
  return threshold < figures.userWastedPercent
    ? result("FAIL", `too many bytes wasted, relative to the user bytes added (${measured} > threshold=${threshold})`)
    : result("PASS", `${measured} <= threshold=${threshold}`);
}

/** Every rule judged, in dive's report order (sorted by name). */
export function evaluateRules(limits: Record<RuleName, number | null>, figures: Figures): RuleResult[] {
  return [...RULE_NAMES].sort().map((rule) => judge(rule, limits[rule], figures));
}

/** dive's report: a line a rule, then the tally. */
export function reportLines(results: RuleResult[]): string[] {
  const count = (status: RuleStatus) => results.filter((r) => r.status === status).length;
  const verdict = count("FAIL") > 0 ? "FAIL" : "PASS";
  return [
    ...results.map(({ rule, status, message }) => `  ${status}: ${rule}: ${message}`),
    `Result:${verdict} [Total:${results.length}] [Passed:${count("PASS")}] [Failed:${count("FAIL")}] [Warn:0] [Skipped:${count("SKIP")}]`,
  ];
}
