import "server-only";
import { overrideSettings } from "@/lib/config";
import { cliEnvironment } from "@/lib/config-cli";
import { parsePlatform } from "@/lib/core/platform";
import { parseReference } from "@/lib/core/reference";
import { parseArgs, valueOf, type Args } from "@/lib/cli/args";
import { cat } from "@/lib/cli/commands/cat";
import { ci } from "@/lib/cli/commands/ci";
import { diff } from "@/lib/cli/commands/diff";
import { inspect } from "@/lib/cli/commands/inspect";
import { ls } from "@/lib/cli/commands/ls";
import { packages } from "@/lib/cli/commands/packages";
import type { Command, Context } from "@/lib/cli/context";
import { dockerCredentials } from "@/lib/cli/credentials";
import { openImage, parseArchiveSpec } from "@/lib/cli/open-image";
import { silenceEvents } from "@/lib/service/events";
import { sourceView } from "@/lib/service/source-view";
import { withProgress } from "@/lib/cli/progress";

const COMMANDS: Record<string, Command> = { inspect, ls, cat, diff, packages, ci };

const USAGE = `porthole: look inside container images, as the Porthole web app does, without a server

  porthole inspect  REF              digest, platform, layers, config, efficiency, wasted and reclaimable bytes
  porthole ls       REF [PATH]       the merged tree (--layer N|DIGEST: one layer's entries), each path's layer
  porthole cat      REF PATH         a file's bytes to stdout (--layer N|DIGEST: as that layer has it)
  porthole diff     A B              what changed between two images (--platform-a, --platform-b: each side's platform)
  porthole packages REF              installed packages and the attack surface (--files: each package's files)
  porthole ci       REF              dive's CI rules: exit 0 pass, 1 fail, 2 error
                                     (--lowestEfficiency 0.9, --highestWastedBytes 20MB|disabled,
                                      --highestUserWastedPercent 0.1, or a .dive-ci file; --ci-config PATH)

REF: a registry reference (alpine:3.19, localhost:5000/app@sha256:…), docker-archive:PATH[:TAG],
oci-archive:PATH[:NAME] or oci:DIR[:NAME].
Options: --platform os/arch[/variant]  --json (the API's answer, the only thing on stdout)
         --insecure (plain HTTP to the named registries; loopback always is)`;

/** The context commands run in: images opened with the user's credentials, progress on a terminal. */
function contextOf(args: Args, dockerConfigs: string[], progress: { done(): void }[]): Context {
  const platform = valueOf(args, "platform");
  return {
    args,
    stdout: process.stdout,
    print: (text) => void process.stdout.write(`${text}\n`),
    warn: (text) => void process.stderr.write(`${text}\n`),
    async open(spec, own) {
      const chosen = own ?? platform;
      const source = await openImage(spec, chosen ? parsePlatform(chosen) : null, (registry) => dockerCredentials(registry, dockerConfigs));
      const shown = withProgress(source, process.stderr);
      progress.push(shown);
      return sourceView(async () => shown.source);
    },
  };
}

/** `--insecure`: plain HTTP to the registries the command names (archives name none). */
function insecureRegistries(args: Args): string[] {
  if (!args.flags.has("insecure")) return [];
  return args.positional.slice(1).flatMap((word) => {
    if (parseArchiveSpec(word)) return [];
    try {
      return [parseReference(word).registry.toLowerCase()];
    } catch {
      return []; // a path, not a reference
    }
  });
}

async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.flags.has("help")) return (void process.stdout.write(`${USAGE}\n`), 0);
  const command = COMMANDS[args.positional[0] ?? ""];
  if (!command) return (void process.stderr.write(`${USAGE}\n`), 2);
  silenceEvents();
  const environment = cliEnvironment();
  overrideSettings({ ...environment.settings, insecureRegistries: [...environment.settings.insecureRegistries, ...insecureRegistries(args)] });
  const progress: { done(): void }[] = [];
  try {
    return await command(contextOf({ ...args, positional: args.positional.slice(1) }, environment.dockerConfigs, progress));
  } finally {
    for (const shown of progress) shown.done();
  }
}

/** Runs the command line; errors (a bad reference, credentials, the network, a bad setting) go to stderr and exit 2. */
async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (error) {
    process.stderr.write(`porthole: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

// A reader that stops early (`porthole cat … | head`) closes the pipe: that ends the command, quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
// Exit once stdout is flushed: idle keep-alive sockets to registries must not hold the process open.
const code = await main(process.argv.slice(2));
process.stdout.write("", () => process.exit(code));
