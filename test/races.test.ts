/**
 * Concurrent writers on one row: the watchlist cap and key revocation must hold when requests
 * arrive together (PostgreSQL runs them on separate pooled connections, so a check-then-write
 * that is not serialised lets two writers through).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogWriter } from '../src/features/ingest/context.ts';
import { WATCHLIST_CAP } from '../src/features/portfolios/watchlist.service.ts';
import { dialects, label } from './dialects.ts';
import { ADMIN_TOKEN, bearer, json, harnessDatabase } from './harness.ts';

const NOW = '2026-11-25T12:00:00.000Z';
const CONCURRENT = 24;
const PREFILLED = WATCHLIST_CAP - 4;

describe.each(dialects)('concurrent writes on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const printingIds: string[] = [];

    const h = harnessDatabase(d);
    beforeAll(async () => {
      const ctx = h.runtime.ingest;
      await catalogWriter(ctx).upsertSets([{ id: 'base1', name: 'Base' }], NOW);
      await catalogWriter(ctx).upsertCards([{ id: 'base1-1', setId: 'base1', number: '1', name: 'Alakazam' }], NOW);
      const rows = Array.from({ length: WATCHLIST_CAP + CONCURRENT }, (_, i) => ({
        id: `base1-1.variant${i}`,
        card_id: 'base1-1',
        finish: `variant${i}`,
        language: 'en',
        tcgplayer_product_id: null,
        tcgplayer_sub_type: null,
        cardmarket_product_id: null,
        created_at: NOW,
      }));
      await h.runtime.database.db.insertInto('printings').values(rows).execute();
      printingIds.push(...rows.map((r) => r.id));
    });

    it(`keeps a watchlist at ${WATCHLIST_CAP} items when ${CONCURRENT} adds race for the last 4 places`, async () => {
      const created = await h.request('/v1/portfolios', { method: 'POST', ip: '198.51.100.1' });
      expect(created.status).toBe(201);
      const p = (await created.json()) as { id: string; secret: string };
      const db = h.runtime.database.db;
      const keys = await db
        .selectFrom('printings')
        .select(['key', 'id'])
        .where('card_id', '=', 'base1-1')
        .orderBy('key')
        .execute();
      await db
        .insertInto('watchlist_items')
        .values(
          keys.slice(0, PREFILLED).map((k, i) => ({
            portfolio_id: p.id,
            printing_key: k.key,
            added_at: new Date(Date.parse(NOW) - 1e6 + i).toISOString(),
          })),
        )
        .execute();

      const headers = { 'X-Portfolio-Id': p.id, 'X-Portfolio-Secret': p.secret };
      const contenders = printingIds.slice(PREFILLED, PREFILLED + CONCURRENT);
      const answers = await Promise.all(
        contenders.map((id) =>
          h.request(`/v1/portfolios/${p.id}/watchlist/${encodeURIComponent(id)}`, { method: 'PUT', headers }),
        ),
      );
      const statuses = answers.map((r) => r.status);
      const refused = answers.filter((r) => r.status === 409);
      for (const r of refused) expect(((await r.json()) as { code: string }).code).toBe('watchlist_full');
      expect(statuses.filter((s) => s === 201)).toHaveLength(WATCHLIST_CAP - PREFILLED);
      expect(refused).toHaveLength(CONCURRENT - (WATCHLIST_CAP - PREFILLED));

      const stored = await db
        .selectFrom('watchlist_items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('portfolio_id', '=', p.id)
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(WATCHLIST_CAP);
    });

    it('revokes a key once when several revocations of it arrive together: one 200, one audit row', async () => {
      const created = await h.request(
        '/v1/admin/keys',
        json({ name: 'contested', role: 'viewer' }, bearer(ADMIN_TOKEN)),
      );
      expect(created.status).toBe(201);
      const { api_key: record } = (await created.json()) as { api_key: { id: string } };
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          h.request(`/v1/admin/keys/${record.id}`, { method: 'DELETE', headers: bearer(ADMIN_TOKEN) }),
        ),
      );
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.every((s) => s === 200 || s === 404 || s === 409)).toBe(true);
      for (const r of answers.filter((a) => a.status !== 200))
        expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);

      const audited = await h.runtime.database.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'api_key.revoke')
        .where('target', '=', record.id)
        .execute();
      expect(audited).toHaveLength(1);
    });
  });
});
