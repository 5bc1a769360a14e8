/**
 * A small in-process cache of computed answers, oldest evicted first. Keys name everything an
 * answer depends on (a portfolio's revision and last change, the data version, the request), so an
 * entry never needs invalidating: a change makes a new key and the old entry ages out.
 */
export class AnswerCache<T> {
  private readonly entries = new Map<string, T>();

  /** `capacity` 0 keeps nothing. */
  constructor(private readonly capacity: number) {}

  /**
   * The cached answer for `key`, or the one `compute` gives (then kept).
   *
   * @example
   * await cache.getOrCompute(`${id}|${revision}|${dataVersion}`, () => expensive(id));
   */
  async getOrCompute(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const value = await compute();
    if (this.capacity > 0) {
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, value);
    }
    return value;
  }
}
