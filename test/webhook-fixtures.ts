/** Rows and events the webhook and Discord tests share. */
import type { Kysely } from 'kysely';
import { isoInstant } from '../src/platform/clock.ts';
import type { Tables } from '../src/platform/db/schema.ts';
import type { SecretBox } from '../src/platform/secret-box.ts';
import type { AlertTriggeredData } from '../src/shared/delivery-events.ts';
import { newSigningSecret, sealColumn } from '../src/features/webhooks/endpoint-secrets.ts';
import { insertEndpoint } from '../src/features/webhooks/endpoints.repo.ts';

/** Inserts an owner principal (kind portfolio) unless it exists. */
export async function ensureOwner(db: Kysely<Tables>, id: string, nowMs: number): Promise<void> {
  await db
    .insertInto('principals')
    .values({ id, kind: 'portfolio', name: id, created_at: isoInstant(nowMs) })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Inserts an enabled endpoint with its URL (and, for a standard one, a new secret) sealed. */
export async function insertTestEndpoint(
  db: Kysely<Tables>,
  box: SecretBox,
  args: { id: string; ownerId: string; kind: 'standard' | 'discord'; url: string; nowMs: number },
): Promise<{ secret: string | null }> {
  const secret = args.kind === 'standard' ? newSigningSecret() : null;
  const now = isoInstant(args.nowMs);
  await insertEndpoint(db, {
    id: args.id,
    owner_id: args.ownerId,
    kind: args.kind,
    url_sealed: sealColumn(box, args.id, 'url_sealed', args.url),
    host: new URL(args.url).host,
    description: null,
    secret_sealed: secret === null ? null : sealColumn(box, args.id, 'secret_sealed', secret),
    previous_secret_sealed: null,
    previous_secret_until: null,
    status: 'enabled',
    disabled_reason: null,
    disabled_at: null,
    failing_since: null,
    created_at: now,
    updated_at: now,
  });
  return { secret };
}

/** An alert as the alerts feature records it. */
export function sampleAlert(overrides: Partial<AlertTriggeredData> = {}): AlertTriggeredData {
  return {
    alert_id: 'alr_01JDX8M3Q5W7ZK2N4R6T8V0B1C',
    firing_id: 'alf_01JDX8M3Q5W7ZK2N4R6T8V0B1D',
    kind: 'price_above',
    note: null,
    card: { id: 'base1-4', name: 'Charizard', set_id: 'base1', number: '4', image_url: null },
    printing: { id: 'base1-4.holofoil', finish: 'holofoil' },
    market: 'tcgplayer',
    as_of: '2026-12-05',
    price: 412.5,
    currency: 'USD',
    threshold: 400,
    window_days: null,
    change_pct: 3.1234,
    from_date: '2026-12-04',
    from_price: 400,
    signal: null,
    ...overrides,
  };
}
