/**
 * Work derived from a digest, kept for the few most recently asked for: computed once, shared by
 * everyone who asks while it runs or after, forgotten when it fails (so a retry can succeed) and
 * when `limit` newer ones push it out. Callers must have proven the requester's access first.
 */
export class Recent<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly limit: number) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    let pending = this.entries.get(key);
    if (pending)
      this.entries.delete(key); // re-inserted below: now the most recent
    else {
      pending = compute();
      pending.catch(() => this.entries.delete(key));
    }
    this.entries.set(key, pending);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
    return pending;
  }
}
