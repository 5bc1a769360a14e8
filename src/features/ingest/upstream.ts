/**
 * How every adapter talks to an upstream API: an identifying User-Agent, a per-source request
 * rate, a timeout per attempt, retries with exponential backoff that honour `Retry-After`, and a
 * circuit breaker (cockatiel) so a dead upstream is left alone for a while instead of hammered.
 * Results are values, never thrown: `{ ok: true, … } | { ok: false, error }`.
 */
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { RateLimiterMemory, RateLimiterQueue } from 'rate-limiter-flexible';

export interface UpstreamOptions {
  /** Source name for errors and the User-Agent. */
  name: string;
  baseUrl: string;
  timeoutMs?: number;
  /** Retries after the first attempt, for network errors, timeouts, 429 and 5xx. */
  retries?: number;
  /** First backoff; doubles per retry, with ±20 % jitter. */
  backoffMs?: number;
  /** Longest wait honoured from a `Retry-After` header. */
  maxRetryAfterMs?: number;
  requestsPerSecond?: number;
  /** Consecutive failed calls that open the breaker, and how long it stays open. */
  breakerThreshold?: number;
  breakerCooldownMs?: number;
  headers?: Record<string, string>;
  userAgent?: string;
  /** Injected for tests: how to wait (default setTimeout) and how to fetch (default global fetch). */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export type UpstreamError =
  | { kind: 'http'; status: number; url: string; message: string }
  | { kind: 'network'; url: string; message: string }
  | { kind: 'timeout'; url: string; message: string }
  | { kind: 'malformed'; url: string; message: string }
  | { kind: 'circuit_open'; url: string; message: string };

export type UpstreamResult<T> =
  { ok: true; status: number; data: T; text: string } | { ok: false; error: UpstreamError };

export const USER_AGENT = 'cardquant/0.1 (+https://github.com/cardquant/cardquant; self-hosted price analytics)';

class RetryableFailure extends Error {
  constructor(
    readonly error: UpstreamError,
    readonly retryAfterMs: number | null,
  ) {
    super(error.message);
  }
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds from `nowMs`. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export class UpstreamClient {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly queue: RateLimiterQueue;
  private readonly o: Required<Omit<UpstreamOptions, 'headers'>> & { headers: Record<string, string> };

  constructor(options: UpstreamOptions) {
    this.o = {
      timeoutMs: 15_000,
      retries: 4,
      backoffMs: 500,
      maxRetryAfterMs: 120_000,
      requestsPerSecond: 5,
      breakerThreshold: 5,
      breakerCooldownMs: 60_000,
      userAgent: USER_AGENT,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      fetch: globalThis.fetch,
      ...options,
      headers: options.headers ?? {},
    };
    // Only failures worth retrying (network, timeout, 429, 5xx) count towards opening the breaker.
    this.breaker = circuitBreaker(
      handleWhen((err) => err instanceof RetryableFailure),
      {
        halfOpenAfter: this.o.breakerCooldownMs,
        breaker: new ConsecutiveBreaker(this.o.breakerThreshold),
      },
    );
    // Below one request per second (e.g. 0.5 for 30 a minute) the window widens instead.
    const rps = this.o.requestsPerSecond;
    const limiter = rps >= 1 ? { points: Math.round(rps), duration: 1 } : { points: 1, duration: Math.ceil(1 / rps) };
    this.queue = new RateLimiterQueue(new RateLimiterMemory(limiter), { maxQueueSize: 10_000 });
  }

  /**
   * GETs JSON. `notFoundIsEmpty` turns a 404 into `{ ok: true, status: 404, data: null }`
   * (TCGCSV answers 404 for an empty group).
   *
   * @example
   * const res = await client.getJson<{ data: unknown[] }>('/v2/sets');
   */
  async getJson<T>(path: string, opts: { notFoundIsEmpty?: boolean } = {}): Promise<UpstreamResult<T | null>> {
    const res = await this.getText(path, opts);
    if (!res.ok) return res;
    if (res.status === 404) return { ok: true, status: 404, data: null, text: res.text };
    try {
      return { ok: true, status: res.status, data: JSON.parse(res.text) as T, text: res.text };
    } catch (err) {
      return {
        ok: false,
        error: {
          kind: 'malformed',
          url: this.url(path),
          message: `invalid JSON from ${this.o.name}: ${(err as Error).message.slice(0, 120)}`,
        },
      };
    }
  }

  async getText(path: string, opts: { notFoundIsEmpty?: boolean } = {}): Promise<UpstreamResult<string>> {
    const url = this.url(path);
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.breaker.execute(() => this.attempt(url, opts.notFoundIsEmpty ?? false));
        return { ok: true, status: result.status, data: result.text, text: result.text };
      } catch (err) {
        if (err instanceof BrokenCircuitError) {
          return {
            ok: false,
            error: {
              kind: 'circuit_open',
              url,
              message: `${this.o.name} circuit is open after repeated failures; not calling it for now`,
            },
          };
        }
        if (!(err instanceof RetryableFailure)) {
          return {
            ok: false,
            error: (err as { upstream?: UpstreamError }).upstream ?? {
              kind: 'network',
              url,
              message: (err as Error).message,
            },
          };
        }
        if (attempt >= this.o.retries) return { ok: false, error: err.error };
        const backoff = this.o.backoffMs * 2 ** attempt * (0.8 + Math.random() * 0.4);
        await this.o.sleep(err.retryAfterMs !== null ? Math.min(err.retryAfterMs, this.o.maxRetryAfterMs) : backoff);
      }
    }
  }

  private url(path: string): string {
    return /^https?:\/\//.test(path)
      ? path
      : `${this.o.baseUrl.replace(/\/$/, '')}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  private async attempt(url: string, notFoundIsEmpty: boolean): Promise<{ status: number; text: string }> {
    await this.queue.removeTokens(1);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.o.timeoutMs);
    let response: Response;
    try {
      response = await this.o.fetch(url, {
        headers: { 'User-Agent': this.o.userAgent, Accept: 'application/json', ...this.o.headers },
        signal: controller.signal,
      });
    } catch (err) {
      clearTimeout(timer);
      const timedOut = controller.signal.aborted;
      throw new RetryableFailure(
        {
          kind: timedOut ? 'timeout' : 'network',
          url,
          message: timedOut
            ? `${this.o.name} did not answer within ${this.o.timeoutMs} ms`
            : `${this.o.name}: ${(err as Error).message}`,
        },
        null,
      );
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      const timedOut = controller.signal.aborted;
      throw new RetryableFailure(
        {
          kind: timedOut ? 'timeout' : 'network',
          url,
          message: `${this.o.name}: body cut off (${(err as Error).message})`,
        },
        null,
      );
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 404 && notFoundIsEmpty) return { status: 404, text };
    if (response.status === 429 || response.status >= 500) {
      throw new RetryableFailure(
        { kind: 'http', status: response.status, url, message: `${this.o.name} answered ${response.status}` },
        retryAfterMs(response.headers.get('retry-after'), Date.now()),
      );
    }
    if (!response.ok) {
      // Client errors are final: retrying the same request cannot help.
      const error = new Error(`${this.o.name} answered ${response.status}`) as Error & { upstream: UpstreamError };
      error.upstream = {
        kind: 'http',
        status: response.status,
        url,
        message: `${this.o.name} answered ${response.status}: ${text.slice(0, 200)}`,
      };
      throw error;
    }
    return { status: response.status, text };
  }
}
