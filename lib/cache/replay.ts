import { PortholeError } from "@/lib/core/errors";

/**
 * A sequence produced once and read by many: every reader gets all items from the start, then follows
 * new ones as they arrive, then the end or the producer's error. This is how N viewers of one layer
 * cost one download while each still sees entries as they stream.
 *
 * Memory is bounded: past `budget` (in the units `weigh` gives an item), items every reader has
 * passed are let go, and a reader that comes after that is turned away (`reader()` gives null): it
 * waits for the end and reads what the producer stored instead. A listing of a million entries
 * must not be held whole for a viewer who may never come. A producer that awaits `room()` goes at
 * the pace of its slowest reader once that one is a budget behind; a reader that stops reading
 * for `stallMs` is let go (it fails with UPSTREAM_TIMEOUT), so one stalled client cannot hold up
 * the others, nor memory.
 */
export class Replay<T> {
  /** Every item pushed; those let go are emptied (their slot stays, so positions stay put). */
  private readonly items: (T | undefined)[] = [];
  /** How many items were let go from the front. */
  private dropped = 0;
  private held = 0;
  private ended = false;
  private failure: { error: unknown } | null = null;
  private wake: (() => void)[] = [];
  private readonly cursors = new Set<Cursor>();
  private moved: (() => void)[] = [];
  private readonly settledPromise: Promise<void>;
  private settle!: () => void;

  constructor(
    private readonly weigh: (item: T) => number = () => 1,
    private readonly budget = Infinity,
    private readonly stallMs = 10_000,
  ) {
    this.settledPromise = new Promise((resolve) => (this.settle = resolve));
  }

  push(item: T): void {
    this.items.push(item);
    this.held += this.weigh(item);
    this.letGo();
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

  /**
   * Resolves when the producer may go on: no reader is more than the budget behind. A reader that
   * reads nothing for `stallMs` meanwhile is let go.
   */
  async room(): Promise<void> {
    while (this.held > this.budget && this.cursors.size > 0) {
      const before = this.slowest();
      const moved = await Promise.race([new Promise<boolean>((resolve) => this.moved.push(() => resolve(true))), delay(this.stallMs)]);
      if (!moved && this.slowest() === before && before) this.letGoOf(before);
    }
  }

  /** Resolves once the producer ended or failed. */
  settled(): Promise<void> {
    return this.settledPromise;
  }

  /** Resolves once the producer ended; rejects with its error if it failed. */
  async done(): Promise<void> {
    await this.settledPromise;
    if (this.failure) throw this.failure.error;
  }

  /** Every item from the start, then the live ones; null when items were let go already (read what the producer stored). */
  reader(): AsyncGenerator<T> | null {
    if (this.dropped > 0) return null;
    const cursor: Cursor = { at: 0, stalled: false };
    this.cursors.add(cursor);
    const reader = this.follow(cursor);
    // A reader closed before its first read never runs its `finally`: its place must go all the same.
    const close = reader.return.bind(reader);
    reader.return = (value) => {
      this.cursors.delete(cursor);
      return close(value);
    };
    return reader;
  }

  private async *follow(cursor: Cursor): AsyncGenerator<T> {
    try {
      for (;;) {
        while (cursor.at < this.items.length) {
          if (cursor.stalled) throw stalled();
          const item = this.items[cursor.at] as T;
          cursor.at++;
          this.letGo();
          for (const resume of this.moved.splice(0)) resume();
          yield item;
        }
        if (cursor.stalled) throw stalled();
        if (this.failure) throw this.failure.error;
        if (this.ended) return;
        await new Promise<void>((resolve) => this.wake.push(resolve));
      }
    } finally {
      this.cursors.delete(cursor);
    }
  }

  /** The reader furthest behind. */
  private slowest(): Cursor | null {
    let slowest: Cursor | null = null;
    for (const cursor of this.cursors) if (!slowest || cursor.at < slowest.at) slowest = cursor;
    return slowest;
  }

  /** A stalled reader: its place goes (so what it had not read can go), and it fails when it reads on. */
  private letGoOf(cursor: Cursor): void {
    cursor.stalled = true;
    this.cursors.delete(cursor);
    this.letGo();
  }

  /** Over budget: the items every reader has passed go. */
  private letGo(): void {
    if (this.held <= this.budget) return;
    let passed = this.items.length;
    for (const cursor of this.cursors) passed = Math.min(passed, cursor.at);
    while (this.dropped < passed && this.held > this.budget) {
      this.held -= this.weigh(this.items[this.dropped] as T);
      this.items[this.dropped++] = undefined;
    }
  }

  private notify(): void {
    if (this.finished) this.settle();
    const waiting = this.wake;
    this.wake = [];
    for (const resolve of waiting) resolve();
  }
}

interface Cursor {
  /** The position of the reader's next item. */
  at: number;
  /** Let go for reading nothing too long. */
  stalled: boolean;
}

const stalled = () => new PortholeError("UPSTREAM_TIMEOUT", "this reader stopped reading, and the listing went on without it: ask again");

const delay = (ms: number) => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref());
