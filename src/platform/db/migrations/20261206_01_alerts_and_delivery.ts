// Frozen once released: change the schema with a new migration file, never by editing this one.
import { sql, type Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Alerts and their delivery (docs/ARCHITECTURE.md, "Alerts and delivery"):
 * - owners: e-mail subscribers are principals (kind `user`) confirmed by double opt-in; their
 *   tokens (confirm, manage, unsubscribe) are stored as SHA-256 digests only. Operators' channels
 *   belong to the `prn_operators` principal.
 * - alert rules, edge-triggered (`state` armed/fired), and their firings;
 * - webhook endpoints (Standard Webhooks or Discord), URLs and signing secrets sealed at rest;
 * - the transactional outbox (`deliveries`, one row per message, unique `dedupe_key`), each
 *   attempt, per-destination circuit state, e-mail provider events and the suppression list.
 * Money is integer minor units; instants ISO-8601 UTC; dates `YYYY-MM-DD`.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  const money = dialect === 'postgres' ? 'bigint' : 'integer';

  await db
    .insertInto('principals')
    .values({ id: 'prn_operators', kind: 'system', name: 'operators', created_at: '2026-12-06T00:00:00.000Z' })
    .execute();

  await db.schema
    .createTable('email_subscribers')
    .addColumn('principal_id', 'text', (c) => c.primaryKey().references('principals.id').onDelete('cascade'))
    /** Lower-cased address; one principal per address. */
    .addColumn('address', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'confirmed', 'unsubscribed')`))
    /** 1: one daily digest e-mail instead of one e-mail per alert. */
    .addColumn('digest', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('unsubscribed_at', 'text')
    .execute();

  await db.schema
    .createTable('owner_tokens')
    /** SHA-256 (hex) of the token; the token itself is never stored in the clear. */
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('principal_id', 'text', (c) => c.notNull().references('principals.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('confirm', 'manage', 'unsubscribe')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('owner_tokens_by_principal').on('owner_tokens').column('principal_id').execute();

  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('principals.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('standard', 'discord')`))
    /** The URL, sealed (a Discord URL carries its token). */
    .addColumn('url_sealed', 'text', (c) => c.notNull())
    /** Host (and port) of the URL: shown in lists, keys the circuit breaker. */
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    /** `whsec_…`, sealed; null for Discord. */
    .addColumn('secret_sealed', 'text')
    /** The secret being rotated out, still signing until `previous_secret_until`. */
    .addColumn('previous_secret_sealed', 'text')
    .addColumn('previous_secret_until', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('enabled', 'disabled')`))
    .addColumn('disabled_reason', 'text')
    .addColumn('disabled_at', 'text')
    /** Start of the current run of failed attempts (null after a success). */
    .addColumn('failing_since', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_endpoints_by_owner')
    .on('webhook_endpoints')
    .columns(['owner_id', 'id'])
    .execute();

  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('principals.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('price_above', 'price_below', 'change_above', 'change_below', 'signal_change')`),
    )
    /** Exactly one of printing_key / card_id (a card means its headline printing). */
    .addColumn('printing_key', 'integer', (c) => c.references('printings.key').onDelete('cascade'))
    .addColumn('card_id', 'text', (c) => c.references('cards.id').onDelete('cascade'))
    .addColumn('market', 'text', (c) => c.notNull())
    /** Price kinds: the threshold in minor units of `currency`. */
    .addColumn('threshold_minor', money)
    .addColumn('currency', 'text')
    /** Change kinds: the move in percent (positive; `change_below` means a fall of at least this). */
    .addColumn('change_pct', real)
    .addColumn('window_days', 'integer', (c) => c.check(sql`window_days is null or window_days in (1, 7, 30)`))
    /** signal_change: the action that fires it (null: any change of action). */
    .addColumn('signal_action', 'text', (c) =>
      c.check(sql`signal_action is null or signal_action in ('BUY', 'HOLD', 'SELL')`),
    )
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'webhook', 'discord')`))
    .addColumn('endpoint_id', 'text', (c) => c.references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('note', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'paused')`))
    .addColumn('snoozed_until', 'text')
    /** Edge trigger: `armed` may fire; `fired` waits until the condition is false (past the hysteresis band). */
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('armed', 'fired')`))
    /** signal_change: the action last seen, to tell a change. */
    .addColumn('last_action', 'text')
    .addColumn('last_evaluated_on', 'text')
    .addColumn('last_fired_at', 'text')
    .addColumn('fired_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('alert_rules_one_subject', sql`(printing_key is null) <> (card_id is null)`)
    .execute();
  await db.schema.createIndex('alert_rules_by_owner').on('alert_rules').columns(['owner_id', 'id']).execute();
  await db.schema.createIndex('alert_rules_by_printing').on('alert_rules').column('printing_key').execute();
  await db.schema.createIndex('alert_rules_by_card').on('alert_rules').column('card_id').execute();
  await db.schema.createIndex('alert_rules_by_endpoint').on('alert_rules').column('endpoint_id').execute();

  await db.schema
    .createTable('alert_firings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rule_id', 'text', (c) => c.notNull().references('alert_rules.id').onDelete('cascade'))
    .addColumn('owner_id', 'text', (c) => c.notNull().references('principals.id').onDelete('cascade'))
    .addColumn('fired_at', 'text', (c) => c.notNull())
    /** The market date of the price (or signal) that fired it. */
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('printing_key', 'integer', (c) => c.notNull())
    .addColumn('market', 'text', (c) => c.notNull())
    .addColumn('currency', 'text')
    .addColumn('price_minor', money)
    .addColumn('change_pct', real)
    .addColumn('from_date', 'text')
    .addColumn('from_price_minor', money)
    .addColumn('previous_action', 'text')
    .addColumn('action', 'text')
    .execute();
  await db.schema.createIndex('alert_firings_by_rule').on('alert_firings').columns(['rule_id', 'id']).execute();
  await db.schema.createIndex('alert_firings_by_owner').on('alert_firings').columns(['owner_id', 'id']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'webhook', 'discord')`))
    /** `alert.triggered`, `alert.digest`, `test.ping`, `subscriber.confirm`, `endpoint.disabled`, … */
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.references('principals.id').onDelete('cascade'))
    .addColumn('endpoint_id', 'text', (c) => c.references('webhook_endpoints.id').onDelete('cascade'))
    /** E-mail recipient (lower-cased). */
    .addColumn('address', 'text')
    /** Unique per message: enqueueing the same event twice writes one delivery. */
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    /** JSON: the event as the channel renders it (never secrets). */
    .addColumn('payload', 'text', (c) => c.notNull())
    /** Sealed JSON of what must not be stored in the clear (link tokens of an e-mail). */
    .addColumn('sealed', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'delivered', 'dead', 'suppressed', 'cancelled')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    /** When the event that caused it happened (trigger-to-delivery latency starts here). */
    .addColumn('triggered_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .addColumn('last_error_class', 'text')
    .addColumn('last_error', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('firing_id', 'text')
    .execute();
  await db.schema.createIndex('deliveries_due').on('deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('deliveries_by_owner').on('deliveries').columns(['owner_id', 'id']).execute();
  await db.schema.createIndex('deliveries_by_endpoint').on('deliveries').columns(['endpoint_id', 'id']).execute();
  await db.schema.createIndex('deliveries_by_message').on('deliveries').column('provider_message_id').execute();

  await db.schema
    .createTable('delivery_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) =>
      c.notNull().check(sql`outcome in ('delivered', 'retry', 'failed', 'deferred', 'suppressed')`),
    )
    .addColumn('status_code', 'integer')
    .addColumn('error_class', 'text')
    .addColumn('error', 'text')
    /** First 4 KB of the response body. */
    .addColumn('response_excerpt', 'text')
    .execute();
  await db.schema
    .createIndex('delivery_attempts_by_delivery')
    .on('delivery_attempts')
    .columns(['delivery_id', 'attempt'])
    .execute();

  await db.schema
    .createTable('delivery_circuits')
    /** `webhook:host:port`, `discord:host`, `email:provider`. */
    .addColumn('destination', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('opened_until', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('email_suppressions')
    .addColumn('address', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) =>
      c.notNull().check(sql`reason in ('hard_bounce', 'complaint', 'unsubscribe', 'manual')`),
    )
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text')
    .execute();

  await db.schema
    .createTable('email_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_event_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('delivered', 'bounced', 'complained', 'other')`))
    .addColumn('bounce_kind', 'text', (c) => c.check(sql`bounce_kind is null or bounce_kind in ('hard', 'soft')`))
    .addColumn('address', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('delivery_id', 'text', (c) => c.references('deliveries.id').onDelete('set null'))
    .addColumn('occurred_at', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('email_events_once', ['provider', 'provider_event_id'])
    .execute();
}
