import "server-only";

/**
 * Bytes kept in memory by key, least recently used first out, within `maxBytes` in all; a value
 * larger than `entryMaxBytes` is not kept. Only bytes already checked go in: memory is out of reach
 * of the disk faults and lying registries the checks are for.
 */
export class MemoryLru {
  private readonly values = new Map<string, Buffer>(); // oldest first
  private total = 0;

  constructor(
    readonly maxBytes: number,
    readonly entryMaxBytes: number,
  ) {}

  get(key: string): Buffer | undefined {
    const value = this.values.get(key);
    if (value) {
      this.values.delete(key);
      this.values.set(key, value);
    }
    return value;
  }

  set(key: string, value: Buffer): void {
    this.delete(key);
    if (value.length > this.entryMaxBytes) return;
    this.values.set(key, value);
    this.total += value.length;
    for (const oldest of this.values.keys()) {
      if (this.total <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const value = this.values.get(key);
    if (!value) return;
    this.values.delete(key);
    this.total -= value.length;
  }
}
