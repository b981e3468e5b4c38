/**
 * A sequence produced once and read by many: every reader gets all items from the start, then follows
 * new ones as they arrive, then the end or the producer's error. This is how N viewers of one layer
 * cost one download while each still sees entries as they stream.
 */
export class Replay<T> {
  private readonly items: T[] = [];
  private ended = false;
  private failure: { error: unknown } | null = null;
  private wake: (() => void)[] = [];

  push(item: T): void {
    this.items.push(item);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(error: unknown): void {
    this.failure = { error };
    this.notify();
  }

  get finished(): boolean {
    return this.ended || this.failure !== null;
  }

  async *read(): AsyncGenerator<T> {
    let next = 0;
    for (;;) {
      while (next < this.items.length) yield this.items[next++] as T;
      if (this.failure) throw this.failure.error;
      if (this.ended) return;
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }

  private notify(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const resolve of waiting) resolve();
  }
}
