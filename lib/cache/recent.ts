/**
 * Work derived from a digest, kept for the few most recently asked for: computed once, shared by
 * everyone who asks while it runs or after, forgotten when it fails (so a retry can succeed) and
 * when `limit` newer ones push it out. Callers must have proven the requester's access first.
 */
export class Recent<T> {
  private readonly entries = new Map<string, Promise<T>>();

  /** `forget`: told of each value pushed out (not of failures), to let go of what it holds. */
  constructor(
    private readonly limit: number,
    private readonly forget?: (value: T) => void,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    let pending = this.entries.get(key);
    if (pending)
      this.entries.delete(key); // re-inserted below: now the most recent
    else {
      pending = compute();
      pending.catch(() => this.entries.delete(key));
    }
    this.entries.set(key, pending);
    if (this.entries.size > this.limit) {
      const [oldest, value] = this.entries.entries().next().value as [string, Promise<T>];
      this.entries.delete(oldest);
      if (this.forget) value.then(this.forget, () => undefined);
    }
    return pending;
  }
}
