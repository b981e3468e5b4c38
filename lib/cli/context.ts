import "server-only";
import type { Args } from "@/lib/cli/args";
import type { SourceView } from "@/lib/service/source-view";

/** What a command gets: its arguments, the image opener (credentials, platform, progress applied) and its outputs. */
export interface Context {
  args: Args;
  /** Opens an image; `platform` (os/arch[/variant]) overrides `--platform` for this one (diff's `--platform-a`). */
  open(spec: string, platform?: string | null): Promise<SourceView>;
  /** Text to stdout (the answer: with `--json`, the only thing there). */
  print(text: string): void;
  /** Text to stderr (warnings). */
  warn(text: string): void;
  stdout: NodeJS.WriteStream;
}

/** A command: runs, prints, and says the exit code (0 done or passed, 1 a CI rule failed); errors are thrown. */
export type Command = (context: Context) => Promise<number>;

/** `--json`: the answer as one JSON document on stdout. */
export function printJson(context: Context, value: unknown): number {
  context.print(JSON.stringify(value));
  return 0;
}
