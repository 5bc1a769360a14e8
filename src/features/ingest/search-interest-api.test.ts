/**
 * POST /v1/ingest/search-interest through the full app: roles, validation, accounting in the run
 * summary, and Idempotency-Key replay.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CatalogWriter } from '../catalog/catalog-writer.ts';
import type { RunSummary } from '../../shared/run-accounting.ts';
import { dialects, label } from '#test/dialects.ts';
import { ADMIN_TOKEN, bearer, json, harnessDatabase } from '#test/harness.ts';

const PATH = '/v1/ingest/search-interest';

type Summary = RunSummary;

const rows = [
  { card_id: 'base1-4', date: '2026-11-23', value: 48, granularity: 'day', batch: 'b1', anchor: 'pikachu' },
  { card_id: 'base1-4', date: '2026-11-24', value: 52.5, granularity: 'day', batch: 'b1', anchor: 'pikachu' },
  { card_id: 'base1-4', date: '2026-11-16', value: 40, granularity: 'week', batch: 'w1' },
  { card_id: 'nope-1', date: '2026-11-24', value: 10, granularity: 'day', batch: 'b1' },
  { card_id: 'base1-4', date: '2026-11-24', value: 101, granularity: 'day', batch: 'b2' },
  { card_id: 'base1-4', date: '2026-11-24', value: 1, granularity: 'month', batch: 'b1' },
  { card_id: 'base1-4', date: '2031-01-01', value: 1, granularity: 'day', batch: 'b1' },
];

describe.each(dialects)('search-interest ingest API on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let operator: string;
    let viewer: string;
    const h = harnessDatabase(d);
    beforeAll(async () => {
      operator = (await h.runtime.keys.create({ name: 'ops', role: 'operator' }, { actor: 'test', role: 'admin' })).key;
      viewer = (await h.runtime.keys.create({ name: 'view', role: 'viewer' }, { actor: 'test', role: 'admin' })).key;
      const catalog = new CatalogWriter(h.runtime.database.db);
      await catalog.upsertSets([{ id: 'base1', name: 'Base' }], '2026-11-25T12:00:00.000Z');
      await catalog.upsertCards(
        [{ id: 'base1-4', setId: 'base1', number: '4', name: 'Charizard' }],
        '2026-11-25T12:00:00.000Z',
      );
    });

    const post = (body: unknown, headers: Record<string, string> = {}) => h.request(PATH, json(body, headers));

    it('refuses anonymous callers (401) and viewers (403)', async () => {
      const anonymous = await post({ rows });
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { code: string }).code).toBe('unauthorized');
      const asViewer = await post({ rows }, bearer(viewer));
      expect(asViewer.status).toBe(403);
      expect(await h.runtime.database.db.selectFrom('search_interest').select('card_id').execute()).toEqual([]);
    });

    it('stores valid rows for an operator and reports every row in the run summary', async () => {
      const res = await post({ rows }, bearer(operator));
      expect(res.status).toBe(200);
      const summary = (await res.json()) as Summary;
      expect(summary).toMatchObject({
        status: 'succeeded',
        rows_read: 7,
        accepted: 3,
        updated: 0,
        unchanged: 0,
        rejected: 4,
      });
      expect(summary.rejected_by_reason).toEqual({
        card_not_in_catalog: 1,
        value_out_of_range: 1,
        unknown_granularity: 1,
        impossible_date: 1,
      });
      const run = await h.runtime.database.db
        .selectFrom('ingestion_runs')
        .selectAll()
        .where('id', '=', summary.id)
        .executeTakeFirstOrThrow();
      expect(run).toMatchObject({
        importer: 'api',
        feed: 'search-interest',
        kind: 'search_interest',
        rows_read: 7,
        accepted: 3,
        rejected: 4,
      });

      const again = (await (await post({ rows }, bearer(ADMIN_TOKEN))).json()) as Summary;
      expect(again).toMatchObject({ rows_read: 7, accepted: 0, unchanged: 3, rejected: 4 });
      const changed = (await (await post({ rows: [{ ...rows[0], value: 49 }] }, bearer(operator))).json()) as Summary;
      expect(changed).toMatchObject({ rows_read: 1, accepted: 0, updated: 1, unchanged: 0 });
      const stored = await h.runtime.database.db
        .selectFrom('search_interest')
        .select(['date', 'value'])
        .where('batch', '=', 'b1')
        .orderBy('date')
        .execute();
      expect(stored).toEqual([
        { date: '2026-11-23', value: 49 },
        { date: '2026-11-24', value: 52.5 },
      ]);
    });

    it('answers 422 with the offending fields when the body has the wrong shape', async () => {
      const wrong = await post(
        { rows: [{ card_id: 'base1-4', date: '2026-11-24', value: '50', granularity: 'day' }] },
        bearer(operator),
      );
      expect(wrong.status).toBe(422);
      const problem = (await wrong.json()) as { code: string; errors: { field: string }[] };
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors.map((e) => e.field).sort()).toEqual(['body.rows.0.batch', 'body.rows.0.value']);

      const empty = await post({ rows: [] }, bearer(operator));
      expect(empty.status).toBe(422);
      const tooMany = Array.from({ length: 10_001 }, () => ({
        card_id: 'x',
        date: '2026-11-24',
        value: 1,
        granularity: 'day',
        batch: 'b',
      }));
      const big = await post({ rows: tooMany }, bearer(operator));
      expect(big.status).toBe(422);
      expect(((await big.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('body.rows');
    });

    it('replays the first answer to a retry with the same Idempotency-Key and runs once', async () => {
      const before = (await h.runtime.database.db.selectFrom('ingestion_runs').select('id').execute()).length;
      const body = { rows: [{ card_id: 'base1-4', date: '2026-11-22', value: 33, granularity: 'day', batch: 'b3' }] };
      const first = await post(body, { ...bearer(operator), 'Idempotency-Key': 'svi-1' });
      expect(first.status).toBe(200);
      const firstText = await first.text();
      const second = await post(body, { ...bearer(operator), 'Idempotency-Key': 'svi-1' });
      expect(second.status).toBe(200);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(await second.text()).toBe(firstText);
      expect(JSON.parse(firstText)).toMatchObject({ accepted: 1 });
      const after = (await h.runtime.database.db.selectFrom('ingestion_runs').select('id').execute()).length;
      expect(after - before).toBe(1);
    });
  });
});
