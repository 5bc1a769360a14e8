/**
 * `Idempotency-Key` for creating POSTs (draft-ietf-httpapi-idempotency-key-header). A key is
 * scoped to the caller and the route and expires after a TTL. The first request claims the key
 * (a row in `idempotency_keys`), a finished answer is stored and replayed; while the first is in
 * flight a second gets 409; the same key with another body gets 422. Server errors release the
 * key so the client can retry.
 *
 * A claim is a lease (`IDEMPOTENCY_LEASE_SECONDS`): a process killed mid-request leaves its key
 * `in_flight`, and once the lease has run out the next retry claims the key again and runs (the
 * first attempt's write never committed, or its answer is stored: see below). A handler that
 * creates a resource whose secret is shown once stores its answer in the same transaction as the
 * write (`IdempotentAnswer.storeIn`), so a crash between the commit and the answer cannot leave
 * a created key the client can never learn: the retry replays it.
 *
 * A stored answer is encrypted (AES-256-GCM, `SecretBox`) and bound to its key, so the table never
 * holds a response body in plaintext; an answer that carries a secret shown once (a new API key,
 * a new portfolio's secret) is kept only for the short secret TTL. An answer that can no longer be
 * decrypted (its key was rotated out) counts as expired: the request runs again.
 */
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../clock.ts';
import { sha256Hex } from '../crypto.ts';
import type { Tables } from '../db/schema.ts';
import { UnsealError, type SecretBox } from '../secret-box.ts';
import { AppError, Conflict, ValidationFailed } from '../errors.ts';
import type { AppEnv } from './context.ts';
import { deleteExpired, deleteKey, findKey, insertInFlight, storeAnswer } from './idempotency.repo.ts';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/**
 * Response headers worth replaying — the answer's own, including that the request used a deprecated
 * name; others (dates, rate limits, request ids) belong to the new request.
 */
const REPLAYED_HEADERS = ['content-type', 'location', 'etag', 'cache-control', 'deprecation', 'sunset', 'link'];

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Claim =
  /** `discarded` says why a stored answer was dropped instead of replayed (e.g. `unknown_key`). */
  | { kind: 'claimed'; discarded?: string }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in_flight' }
  | { kind: 'mismatch' };

export class IdempotencyStore {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly box: SecretBox,
    /** Lifetime of an answer that carries a secret (capped by `ttlMs`). */
    private readonly secretTtlMs: number = ttlMs,
    /** How long a claim holds a key `in_flight` before a retry may take it over (capped by `ttlMs`). */
    private readonly leaseMs: number = 120_000,
  ) {}

  /** Claims `key` for this request, or says why not. */
  async claim(scope: string, route: string, key: string, requestHash: string): Promise<Claim> {
    const now = this.clock.now();
    let discarded: string | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const inserted = await insertInFlight(this.db, {
        scope,
        route,
        key,
        requestHash,
        createdAt: isoInstant(now),
        // In flight: only the lease; a finished answer gets the full TTL (`complete`).
        expiresAt: isoInstant(now + Math.min(this.leaseMs, this.ttlMs)),
      });
      if (inserted) return discarded ? { kind: 'claimed', discarded } : { kind: 'claimed' };

      const row = await findKey(this.db, { scope, route, key });
      if (!row) continue; // released between our insert and select: try again
      if (row.expires_at <= isoInstant(now)) {
        await this.release(scope, route, key, { readAt: row.expires_at });
        continue;
      }
      if (row.request_hash !== requestHash) return { kind: 'mismatch' };
      if (row.status === 'in_flight') return { kind: 'in_flight' };
      let body: string;
      try {
        body = this.box.open(row.response_body ?? '', associatedData(scope, route, key));
      } catch (err) {
        if (!(err instanceof UnsealError)) throw err;
        discarded = err.reason;
        await this.release(scope, route, key, { readAt: row.expires_at });
        continue;
      }
      return {
        kind: 'replay',
        response: {
          status: row.response_status!,
          headers: JSON.parse(row.response_headers ?? '{}') as Record<string, string>,
          body,
        },
      };
    }
    return { kind: 'in_flight' };
  }

  /** Stores the finished answer, encrypted; `secret` answers expire after the secret TTL. */
  async complete(
    scope: string,
    route: string,
    key: string,
    response: StoredResponse,
    options: { secret?: boolean } = {},
    db: Kysely<Tables> = this.db,
  ): Promise<void> {
    const ttl = options.secret ? Math.min(this.secretTtlMs, this.ttlMs) : this.ttlMs;
    await storeAnswer(db, {
      scope,
      route,
      key,
      status: response.status,
      headersJson: JSON.stringify(response.headers),
      sealedBody: this.box.seal(response.body, associatedData(scope, route, key)),
      expiresAt: isoInstant(this.clock.now() + ttl),
    });
  }

  /**
   * Frees `key`. `inFlightOnly` keeps an answer already stored (with a write that committed);
   * `readAt` deletes only the row that was read (its `expires_at`), never a fresh claim another
   * request made since, so two retries of an expired lease cannot both re-claim the key.
   */
  async release(
    scope: string,
    route: string,
    key: string,
    only: { inFlightOnly?: boolean; readAt?: string } = {},
  ): Promise<void> {
    await deleteKey(this.db, { scope, route, key }, only);
  }

  /** Deletes expired keys; returns how many. Run by the scheduler. */
  async purgeExpired(): Promise<number> {
    return deleteExpired(this.db, isoInstant(this.clock.now()));
  }
}

/** What a sealed body is bound to: the row it belongs to (also what `data-key reencrypt` re-seals it with). */
export function associatedData(scope: string, route: string, key: string): string {
  return `idempotency\n${scope}\n${route}\n${key}`;
}

/**
 * Lets a handler store its answer inside the transaction of its write (set on the request when
 * it carries an `Idempotency-Key`, else null). The middleware then stores nothing more.
 *
 * @example
 * await db.transaction().execute(async (trx) => { …insert…; await c.get('idempotency')?.storeIn(trx, 201, body); });
 */
export interface IdempotentAnswer {
  storeIn(trx: Kysely<Tables>, status: number, value: unknown): Promise<void>;
}

/**
 * Route middleware for creating POSTs. Without the header the request runs as usual. `secret`:
 * the answer carries a secret shown once, so it is kept only for the secret TTL.
 *
 * @example
 * defineRoute({ method: 'post', …, idempotent: true })
 */
export function idempotency(options: { secret?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async function idempotency(c, next) {
    const key = c.req.header('Idempotency-Key');
    c.set('idempotency', null);
    if (key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      throw new ValidationFailed([
        { field: 'header.idempotency-key', message: 'must be 1–255 visible ASCII characters' },
      ]);
    }
    const store = c.get('platform').idempotency;
    const principal = c.get('principal');
    const scope = principal ? `principal:${principal.actor}` : `ip:${c.get('clientIp')}`;
    const route = `${c.req.method} ${c.req.routePath}`;
    const requestHash = await sha256Hex(`${c.req.method}\n${c.req.path}\n${await c.req.text()}`);

    const claim = await store.claim(scope, route, key, requestHash);
    if (claim.kind === 'mismatch') {
      throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request.');
    }
    if (claim.kind === 'in_flight') {
      throw new Conflict(
        'idempotency_in_flight',
        'A request with this Idempotency-Key is still being processed; retry later.',
      );
    }
    if (claim.kind === 'claimed' && claim.discarded) {
      c.get('platform').log.warn(
        { requestId: c.get('requestId'), route, reason: claim.discarded },
        'stored Idempotency-Key answer could not be decrypted; the request runs again',
      );
    }
    if (claim.kind === 'replay') {
      const { status, headers, body } = claim.response;
      c.res = c.body(body, status as ContentfulStatusCode, { ...headers, 'Idempotent-Replayed': 'true' });
      return;
    }

    let stored = false;
    c.set('idempotency', {
      // The body c.json would send for `value`, with its content type.
      storeIn: async (trx, status, value) => {
        // An answer stored with its write carries a secret: its replay is as uncacheable as the first answer.
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          ...(options.secret ? { 'cache-control': 'no-store' } : {}),
        };
        await store.complete(
          scope,
          route,
          key,
          { status, headers, body: JSON.stringify(value) },
          { secret: options.secret },
          trx,
        );
        stored = true;
      },
    });
    try {
      await next();
    } catch (err) {
      await store.release(scope, route, key, { inFlightOnly: true });
      throw err;
    }
    // Hono turns a handler's throw into c.error + an error response rather than rejecting next().
    if (c.error || c.res.status >= 500) {
      // An answer stored with a write that committed stays: a retry replays it.
      await store.release(scope, route, key, { inFlightOnly: true });
      return;
    }
    if (stored) return;
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const v = c.res.headers.get(name);
      if (v !== null) headers[name] = v;
    }
    const body = await c.res.clone().text();
    await store.complete(scope, route, key, { status: c.res.status, headers, body }, { secret: options.secret });
  };
}
