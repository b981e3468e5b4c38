/** How many of a layer's changes the explorer of a big image shows (and its shared link's first view carries). */
export const CHANGES_PAGE = 1_000;

/** A page of a list in path order: the first `limit` items after the path `after`. */
export interface Page {
  limit: number;
  after?: string;
}

/** A page of items in path order, how many there are in all, and where the next page starts (the last path here) if any is left. */
export function pageOf<T extends { path: string }>(sorted: readonly T[], { limit, after }: Page): { items: T[]; total: number; next?: string } {
  const later = after === undefined ? sorted : sorted.filter((item) => item.path > after);
  const items = later.slice(0, limit);
  const last = items.at(-1);
  return { items, total: sorted.length, ...(last && later.length > items.length && { next: last.path }) };
}

/**
 * The same, built as the items stream by in path order (from an index on disk): `add` each, then
 * `done`. Keeps only the page.
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
