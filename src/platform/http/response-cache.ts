/**
 * Serialised answers of public reads, kept per process under the data version they were built
 * from. An entry is used only by a request that read the same version, so a new version (any
 * import or derive) retires every entry at once; least recently used entries go first when the
 * byte budget (RESPONSE_CACHE_MB) is full. Hot pages are then sent without rebuilding them;
 * the version read still happens on every request. Bodies are kept as their UTF-8 bytes, so a hit
 * is sent without encoding the text again. An entry may also keep how its route reads the current
 * version, so a later request for the same URL is answered before validation (conditional.ts).
 */
export interface CachedResponse {
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

/** A cached answer: the body's UTF-8 bytes. */
export interface StoredResponse {
  body: Buffer<ArrayBuffer>;
  contentType: string;
  headers?: Record<string, string>;
}

/** How a route answers a URL: the route's reader of the current version and its `Cache-Control`. */
export interface EntryOrigin {
  readVersion: () => Promise<string>;
  cacheControl: string;
}

export interface Entry extends StoredResponse {
  version: string;
  bytes: number;
  origin?: EntryOrigin;
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes: number) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  get(key: string, version: string): StoredResponse | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.version !== version) {
      this.misses++;
      return undefined;
    }
    // Map order is insertion order: re-inserting marks the entry most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return entry;
  }

  /** The entry kept for `key`, of whatever version, without counting a hit or a miss or marking it used. */
  peek(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  /** Keeps `response` (if it fits) and returns it as bytes, for sending. */
  set(key: string, version: string, response: CachedResponse, origin?: EntryOrigin): StoredResponse {
    const stored: StoredResponse = { ...response, body: Buffer.from(response.body, 'utf8') };
    // The budget counts the text as UTF-16 (two bytes per code unit) plus the key, as it did when
    // entries kept strings: the same entries fit.
    const bytes = (response.body.length + key.length) * 2;
    if (!this.enabled || bytes > this.maxBytes / 8) return stored;
    this.delete(key);
    this.entries.set(key, { ...stored, version, bytes, origin });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
    return stored;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }
}
