import "server-only";

/** Where what the services did that is worth seeing in a server's log goes, a JSON line each; null: nowhere. */
let sink: ((line: string) => void) | null = (line) => void process.stdout.write(line);

/** Tells the log of work worth seeing (what building something costly took: other instances read it instead of paying again). */
export function logEvent(event: Record<string, unknown>): void {
  sink?.(`${JSON.stringify(event)}\n`);
}

/** The command line's output is its answer (a file's bytes, for `cat`): the services' events are left out of it. */
export function silenceEvents(): void {
  sink = null;
}
