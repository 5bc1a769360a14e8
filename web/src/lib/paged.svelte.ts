// A cursor-paginated list from the API: first page, "Load more", loading and error states.
// A newer reload wins over an older answer still in flight. `refresh()` reads again as many pages
// as are shown (after a change), keeping the rows on screen until the answer is there.
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export class Paged<T> {
  items = $state<T[]>([]);
  next = $state<string | null>(null);
  loading = $state(true);
  loadingMore = $state(false);
  error = $state<unknown>(null);
  /** Why the last "Load more" failed (the rows already shown stay). */
  moreError = $state<unknown>(null);
  #pages = 1;
  #fetcher: (cursor?: string) => Promise<Page<T>>;
  #generation = 0;

  constructor(fetcher: (cursor?: string) => Promise<Page<T>>) {
    this.#fetcher = fetcher;
  }

  /** Loads the first page again, optionally with another fetcher (new filters). */
  async reload(fetcher?: (cursor?: string) => Promise<Page<T>>): Promise<void> {
    if (fetcher) this.#fetcher = fetcher;
    const generation = ++this.#generation;
    this.loading = true;
    this.error = null;
    this.moreError = null;
    this.#pages = 1;
    try {
      const page = await this.#fetcher();
      if (generation !== this.#generation) return;
      this.items = page.items;
      this.next = page.next_cursor;
    } catch (err) {
      if (generation !== this.#generation) return;
      this.error = err;
      this.items = [];
      this.next = null;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Reads again as many pages as are shown; the rows stay on screen meanwhile (no loading state). */
  async refresh(): Promise<void> {
    const generation = ++this.#generation;
    this.error = null;
    this.moreError = null;
    try {
      const items: T[] = [];
      let cursor: string | undefined;
      let read = 0;
      let last: string | null = null;
      do {
        const page = await this.#fetcher(cursor);
        if (generation !== this.#generation) return;
        items.push(...page.items);
        last = page.next_cursor;
        cursor = last ?? undefined;
        read++;
      } while (last !== null && read < this.#pages);
      this.items = items;
      this.next = last;
    } catch (err) {
      if (generation === this.#generation) this.error = err;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  async more(): Promise<void> {
    if (!this.next || this.loadingMore) return;
    const generation = this.#generation;
    this.loadingMore = true;
    this.moreError = null;
    try {
      const page = await this.#fetcher(this.next);
      if (generation !== this.#generation) return;
      this.items = [...this.items, ...page.items];
      this.next = page.next_cursor;
      this.#pages++;
    } catch (err) {
      if (generation === this.#generation) this.moreError = err;
    } finally {
      this.loadingMore = false;
    }
  }

  /** Replaces one item in place (after a mutation answered with it). */
  replace(match: (item: T) => boolean, item: T): void {
    this.items = this.items.map((x) => (match(x) ? item : x));
  }

  remove(match: (item: T) => boolean): void {
    this.items = this.items.filter((x) => !match(x));
  }
}

/** The URL with one query parameter set (or removed when empty), for goto(). */
export function withParam(url: URL, changes: Record<string, string | null | undefined>): string {
  const next = new URL(url);
  for (const [k, v] of Object.entries(changes)) {
    if (v == null || v === '') next.searchParams.delete(k);
    else next.searchParams.set(k, v);
  }
  return `${next.pathname}${next.search}`;
}
