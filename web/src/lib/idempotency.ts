/**
 * An `Idempotency-Key` per user action: the same key while the same submission is retried, a new
 * one as soon as what is sent changes or the action succeeded.
 */
export class Action {
  #key = '';
  #body = '';
  key(body: unknown): string {
    const text = JSON.stringify(body ?? null);
    if (!this.#key || text !== this.#body) {
      this.#key = crypto.randomUUID();
      this.#body = text;
    }
    return this.#key;
  }
  done(): void {
    this.#key = '';
    this.#body = '';
  }
}
