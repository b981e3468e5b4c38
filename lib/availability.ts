import "server-only";

type AvailabilityState = "ok" | "down";

/**
 * Whether a shared part (the store, Redis) answers, as the last attempt found it. Each change is
 * logged once, as one JSON line, however many requests see the same state: an outage of the store
 * is one line when it goes and one when it comes back, not one per request.
 */
export class Availability {
  private current: AvailabilityState = "ok";

  constructor(
    readonly part: string,
    private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  get state(): AvailabilityState {
    return this.current;
  }

  up(): void {
    if (this.current === "ok") return;
    this.current = "ok";
    this.log(JSON.stringify({ [this.part]: "ok", message: `${this.part} is back` }));
  }

  down(error: unknown): void {
    if (this.current === "down") return;
    this.current = "down";
    const reason = error instanceof Error ? error.message : String(error);
    this.log(JSON.stringify({ [this.part]: "down", message: `${this.part} is unavailable: degraded to what this instance has alone`, reason }));
  }
}
