import "server-only";
import { PortholeError } from "@/lib/core/errors";

/** A command line split into its words and its `--flags`. */
export interface Args {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Flags that take a value (`--platform linux/arm64` or `--platform=linux/arm64`); the rest are switches. */
const VALUED = new Set([
  "platform",
  "platform-a",
  "platform-b",
  "layer",
  "ci-config",
  "lowestEfficiency",
  "highestWastedBytes",
  "highestUserWastedPercent",
]);
const SWITCHES = new Set(["json", "insecure", "files", "help"]);

const usage = (message: string) => new PortholeError("BAD_REQUEST", message);

/** Reads the flag at `argv[at]` (and its value, when it takes one) into `args`; says where the next word is. */
function readFlag(args: Args, argv: readonly string[], at: number): number {
  const word = argv[at] as string;
  const [name = "", inline] = word.slice(2).split(/=(.*)/s);
  if (SWITCHES.has(name) && inline === undefined) {
    args.flags.set(name, true);
    return at + 1;
  }
  if (!VALUED.has(name)) throw usage(`unknown option ${word}`);
  const value = inline ?? argv[at + 1];
  if (value === undefined) throw usage(`${word} needs a value`);
  args.flags.set(name, value);
  return inline === undefined ? at + 2 : at + 1;
}

/** Words and flags, in any order; after `--` everything is a word (a path may start with a dash). */
export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { positional: [], flags: new Map() };
  for (let at = 0; at < argv.length;) {
    const word = argv[at] as string;
    if (word === "--") {
      args.positional.push(...argv.slice(at + 1));
      break;
    }
    if (word.startsWith("--")) at = readFlag(args, argv, at);
    else {
      if (word === "-h") args.flags.set("help", true);
      else args.positional.push(word);
      at++;
    }
  }
  return args;
}

/** A flag's value, or null when not given. */
export function valueOf(args: Args, name: string): string | null {
  const value = args.flags.get(name);
  return typeof value === "string" ? value : null;
}

/** The command's words, exactly `min` to `max` of them; a usage error naming the command's form otherwise. */
export function words(args: Args, min: number, max: number, form: string): string[] {
  if (args.positional.length < min || args.positional.length > max) throw usage(`usage: porthole ${form}`);
  return args.positional;
}
