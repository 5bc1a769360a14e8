/**
 * The transactional outbox (DESIGN §2 "Nothing lost"): a message to send is written as a
 * `deliveries` row in the same transaction as the event that causes it, with a dedupe key, and a
 * worker sends it at least once. This module holds what every channel and the worker share: the
 * channel contract, the outcome taxonomy and the retry schedule. SQL lives in outbox.repo.ts.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Clock } from '../clock.ts';
import type { DialectName } from '../db/database.ts';
import type { ChannelKind, DeliveriesTable, Tables } from '../db/schema.ts';
import type { IdPrefix } from '../ids.ts';
import type { Logger } from '../log.ts';
import type { SecretBox } from '../secret-box.ts';

/**
 * Why an attempt did not deliver (docs/DELIVERY.md, "Outcome taxonomy"). The channel decides the
 * class; the class decides whether the worker retries (`retry`), gives up (`failed`) or waits
 * without spending an attempt (`deferred`).
 */
export type ErrorClass =
  /** 429 or a provider's rate limit: retried after Retry-After. */
  | 'rate_limited'
  /** 5xx, a provider outage: retried. */
  | 'provider_down'
  /** No answer within the attempt's time limit: retried. */
  | 'timeout'
  /** Connection refused or reset, DNS failure: retried. */
  | 'network'
  /** The address or mailbox does not exist, or is suppressed: given up. */
  | 'invalid_recipient'
  /** Our credentials for the provider were refused: given up (operator must fix configuration). */
  | 'auth_failure'
  /** The receiver refused the request (4xx other than 408/409/425/429): retried for webhooks, given up for providers. */
  | 'rejected'
  /** A redirect answer: webhooks never follow redirects. */
  | 'redirect'
  /** 410 Gone: the endpoint is disabled. */
  | 'gone'
  /** The destination resolves to an address the egress guard refuses. */
  | 'egress_refused'
  /** The destination's circuit is open: rescheduled without spending an attempt. */
  | 'circuit_open'
  /** The endpoint or subscriber is disabled or gone: given up (dead; redeliver once it is back). */
  | 'destination_disabled'
  /** The message could not be built (a bug or corrupt row): given up. */
  | 'payload_invalid';

/** What one attempt came to, as the channel reports it. */
export type SendResult =
  | {
      outcome: 'delivered';
      statusCode?: number;
      providerMessageId?: string;
      responseExcerpt?: string;
    }
  | {
      /** Try again later (`retryAfterMs` from the receiver, else the backoff schedule). */
      outcome: 'retry';
      errorClass: ErrorClass;
      error: string;
      statusCode?: number;
      retryAfterMs?: number;
      responseExcerpt?: string;
    }
  | {
      /** Give up: never retried (a dead letter an operator may redeliver). */
      outcome: 'failed';
      errorClass: ErrorClass;
      error: string;
      statusCode?: number;
      responseExcerpt?: string;
    }
  | {
      /** Not attempted (open circuit, local rate limit): rescheduled, the attempt count unchanged. */
      outcome: 'deferred';
      errorClass: ErrorClass;
      error: string;
      retryAfterMs: number;
    }
  | {
      /** Not sent because the recipient is on the suppression list. */
      outcome: 'suppressed';
      error: string;
    };

/** A claimed delivery as the worker hands it to a channel. */
export type Delivery = Omit<DeliveriesTable, 'attempts' | 'budget_start' | 'redeliveries'> & {
  attempts: number;
  budget_start: number;
  redeliveries: number;
};

/** Sends one kind of delivery. A channel never throws for a failed send: it returns the outcome. */
export interface Channel {
  kind: ChannelKind;
  /** `attempt` is 1 for the first attempt; `signal` aborts when the lease is about to run out. */
  send(delivery: Delivery, attempt: number, signal: AbortSignal): Promise<SendResult>;
  /** Releases what the channel holds open (an SMTP connection pool); called once the worker stopped. */
  close?(): void;
}

/** What every channel factory receives; `C` narrows the settings a channel reads. */
export interface ChannelDeps<C = Config> {
  db: Kysely<Tables>;
  dialect: DialectName;
  clock: Clock;
  /** The data key: unseals webhook URLs and secrets, e-mail link tokens. */
  box: SecretBox;
  config: C;
  log: Logger;
  newId: (prefix: IdPrefix) => string;
}

export interface RetrySchedule {
  maxAttempts: number;
  baseMs: number;
  maxDelayMs: number;
}

/**
 * Delay after failed attempt `attempt` (1-based): base · 3^(attempt−1), capped at maxDelayMs,
 * plus up to 25 % jitter (`random` in [0, 1)). With the defaults (60 s, 16 h, 12 attempts) the
 * 11 waits add up to at least 82 hours (docs/DELIVERY.md).
 *
 * @example
 * retryDelayMs(1, { maxAttempts: 12, baseMs: 60_000, maxDelayMs: 57_600_000 }, () => 0); // 60000
 */
export function retryDelayMs(attempt: number, schedule: RetrySchedule, random: () => number = Math.random): number {
  const raw = Math.min(schedule.baseMs * 3 ** Math.max(0, attempt - 1), schedule.maxDelayMs);
  return Math.round(raw * (1 + 0.25 * random()));
}

/**
 * A wait a receiver or provider asked for (Retry-After, Discord's `retry_after`, a rate-limit
 * reset), bounded to [0, `maxMs`]: an answer can never push a delivery further out than the
 * schedule's longest delay, nor produce an instant outside the calendar. Not a number → `fallbackMs`.
 *
 * @example
 * boundedWaitMs(1e23, 57_600_000); // 57600000
 */
export function boundedWaitMs(ms: number, maxMs: number, fallbackMs = 0): number {
  if (Number.isNaN(ms)) return Math.min(Math.max(0, fallbackMs), maxMs);
  return Math.min(Math.max(0, Math.ceil(ms)), maxMs);
}

/** The shortest total time a delivery is retried for before it is dead (no jitter). */
export function minimumRetrySpanMs(schedule: RetrySchedule): number {
  let total = 0;
  for (let attempt = 1; attempt < schedule.maxAttempts; attempt++) total += retryDelayMs(attempt, schedule, () => 0);
  return total;
}

/** What an event asks the outbox to send. */
export interface NewDelivery {
  channel: ChannelKind;
  eventType: string;
  /** Equal keys are one message: a second enqueue with the same key writes nothing. */
  dedupeKey: string;
  payload: unknown;
  ownerId?: string | null;
  endpointId?: string | null;
  address?: string | null;
  /** Already sealed with the data key (SecretBox), associated data = the delivery id. */
  sealed?: string | null;
  firingId?: string | null;
  /** When the causing event happened (default: now). */
  triggeredAt?: string;
  /** Earliest send (default: now). */
  notBefore?: string;
}
