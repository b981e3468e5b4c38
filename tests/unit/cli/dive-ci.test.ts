import { describe, expect, it } from "vitest";
import { DEFAULT_RULES, evaluateRules, parseBytes, parseDiveCi, reportLines, thresholds } from "@/lib/cli/dive-ci";
import { parseArgs } from "@/lib/cli/args";
import { parseArchiveSpec } from "@/lib/cli/open-image";

/** dive's figures for its own test image. */
const DIVE = { efficiency: 0.9844212134184309, wastedBytes: 32025, userWastedPercent: 0.4834911001404049 };

describe("parseDiveCi", () => {
  it("reads dive's example file: the rules map, comments, blank lines and quotes", () => {
    const text = [
      "rules:",
      "  # If the efficiency is measured below X%, mark as failed.",
      "  # Expressed as a ratio between 0-1.",
      "  lowestEfficiency: 0.95",
      "",
      "  # If the amount of wasted space is at least X or larger than X, mark as failed.",
      "  highestWastedBytes: '20MB' # a comment",
      '  highestUserWastedPercent: "0.20"',
      "plugins: elsewhere",
      "  ignored: yes",
    ].join("\r\n");
    expect(parseDiveCi(text)).toEqual({ lowestEfficiency: "0.95", highestWastedBytes: "20MB", highestUserWastedPercent: "0.20" });
  });

  it("names a line under rules: that is no rule", () => {
    expect(() => parseDiveCi("rules:\n  - lowestEfficiency\n")).toThrow(/line 2/);
    expect(parseDiveCi("# nothing\n")).toEqual({});
  });
});

describe("parseBytes (go-humanize, as dive reads highestWastedBytes)", () => {
  it.each([
    ["20MB", 20_000_000],
    ["20MiB", 20 * 1024 ** 2],
    ["1.5 GB", 1_500_000_000],
    ["32kb", 32_000],
    ["32K", 32_000],
    ["32Ki", 32_768],
    ["512", 512],
    ["7 B", 7],
  ])("%s is %d bytes", (text, bytes) => expect(parseBytes(text)).toBe(bytes));

  it.each(["lots", "20 XB", "", "-5MB"])("%j is not a size", (text) => expect(parseBytes(text)).toBeNull());
});

describe("dive's rules on dive's image", () => {
  it("fail by default on user-wasted bytes, each line stating the measured value", () => {
    const lines = reportLines(evaluateRules(thresholds(DEFAULT_RULES), DIVE));
    expect(lines).toEqual([
      "  FAIL: highestUserWastedPercent: too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=0.4834911001404049 > threshold=0.1)",
      "  SKIP: highestWastedBytes: rule disabled",
      "  PASS: lowestEfficiency: efficiency=0.9844212134184309 >= threshold=0.9",
      "Result:FAIL [Total:3] [Passed:1] [Failed:1] [Warn:0] [Skipped:1]",
    ]);
  });

  it("compare as dive does: a threshold equal to the measure passes every rule", () => {
    const limits = thresholds({
      lowestEfficiency: String(DIVE.efficiency),
      highestWastedBytes: "32025",
      highestUserWastedPercent: String(DIVE.userWastedPercent),
    });
    expect(evaluateRules(limits, DIVE).map((result) => result.status)).toEqual(["PASS", "PASS", "PASS"]);
    const tighter = thresholds({ lowestEfficiency: "0.99", highestWastedBytes: "32024", highestUserWastedPercent: "0.48" });
    expect(evaluateRules(tighter, DIVE).map((result) => result.status)).toEqual(["FAIL", "FAIL", "FAIL"]);
  });

  it("a value that does not parse is misconfiguration, named, before anything is measured", () => {
    expect(() => thresholds({ ...DEFAULT_RULES, lowestEfficiency: "high" })).toThrow(/invalid config value for lowestEfficiency \('high'\)/);
    expect(() => thresholds({ ...DEFAULT_RULES, highestWastedBytes: "20 parsecs" })).toThrow(/highestWastedBytes/);
  });
});

describe("the command line's words", () => {
  it("parses flags with separate or inline values, switches, and words after --", () => {
    const args = parseArgs(["ls", "--platform", "linux/arm64", "REF", "--json", "--layer=2", "--", "--odd-path"]);
    expect(args.positional).toEqual(["ls", "REF", "--odd-path"]);
    expect(Object.fromEntries(args.flags)).toEqual({ platform: "linux/arm64", json: true, layer: "2" });
    expect(() => parseArgs(["--nope"])).toThrow(/unknown option --nope/);
    expect(() => parseArgs(["--platform"])).toThrow(/needs a value/);
  });

  it("tells archive sources (skopeo's transports) from registry references", () => {
    expect(parseArchiveSpec("docker-archive:/tmp/a.tar")).toEqual({ transport: "docker-archive", path: "/tmp/a.tar", name: null });
    expect(parseArchiveSpec("oci-archive:img.tar:v1")).toEqual({ transport: "oci-archive", path: "img.tar", name: "v1" });
    expect(parseArchiveSpec("oci:dir:app:v1")).toEqual({ transport: "oci", path: "dir", name: "app:v1" });
    expect(parseArchiveSpec("localhost:5000/app:v1")).toBeNull();
    expect(parseArchiveSpec("alpine")).toBeNull();
  });
});
