/** A page of a list in path order: the first `limit` items after the path `after`. */
export interface Page {
  limit: number;
  after?: string;
}

/**
 * A page built as items stream by in path order (from an index on disk, or a list): `add` each,
 * then `done` gives the page, how many there are in all, and where the next page starts (the last
 * path here) if any is left. Keeps only the page.
 */
export class PageCollector<T> {
  private readonly items: T[] = [];
  private total = 0;
  private later = 0;
  private lastPath: string | undefined;

  constructor(private readonly page: Page) {}

  /** Counts an item at `path`; keeps it (made by `make`) when it belongs to the page. */
  add(path: string, make: () => T): void {
    this.total++;
    const { after, limit } = this.page;
    if (after !== undefined && path <= after) return;
    this.later++;
    if (this.items.length < limit) {
      this.items.push(make());
      this.lastPath = path;
    }
  }

  done(): { items: T[]; total: number; next?: string } {
    const more = this.lastPath !== undefined && this.later > this.items.length;
    return { items: this.items, total: this.total, ...(more && { next: this.lastPath }) };
  }
}

/** A page of a list already in path order. */
export function pageOf<T extends { path: string }>(sorted: readonly T[], page: Page): { items: T[]; total: number; next?: string } {
  const collected = new PageCollector<T>(page);
  for (const item of sorted) collected.add(item.path, () => item);
  return collected.done();
}
