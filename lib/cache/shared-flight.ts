/**
 * Work asked for again while it is still under way is shared, not repeated: a burst of requests
 * for one image makes one registry round trip, each caller getting its answer. Nothing is kept
 * once the work settles, so every later caller gets a fresh answer (no staleness, no expiry).
 */
export class SharedFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.running.get(key);
    if (running) return running;
    const started = work().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }
}
