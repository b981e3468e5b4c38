/** Watching code under test run: until a condition holds, within a time limit, at what memory cost. */

/** Waits until `condition` holds, checking every few ms; throws after `ms`. */
export async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export type Outcome<T> = { kind: "finished"; value: T } | { kind: "failed"; error: unknown } | { kind: "timeout" };

/** Runs `work`, giving up after `ms` (then `abort` is called, to destroy the work's own stream). */
export async function within<T>(ms: number, work: () => Promise<T>, abort: () => void): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome<T>>((resolve) => (timer = setTimeout(() => resolve({ kind: "timeout" }), ms)));
  const run = work().then(
    (value): Outcome<T> => ({ kind: "finished", value }),
    (error: unknown): Outcome<T> => ({ kind: "failed", error }),
  );
  const outcome = await Promise.race([run, timeout]);
  clearTimeout(timer);
  if (outcome.kind === "timeout") abort();
  return outcome;
}

/** Whether `promise` settles within `ms` (it keeps running either way). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, ms));
  return settled;
}

/** Resident memory now, in bytes, after a garbage collection when the runtime allows one. */
export function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}
