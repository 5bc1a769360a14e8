/**
 * The glossary's names in the public API (docs/GLOSSARY.md) and the deprecated names they
 * replace: both are answered until 0.4.0, the old ones marked `deprecated` in the OpenAPI
 * document, and a request that uses an old parameter gets Deprecation, Sunset and Link headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from './dialects.ts';
import { ADMIN_TOKEN, bearer, json, startHarness, type Harness } from './harness.ts';
import { seedMarket } from './market-fixtures.ts';

type Json = Record<string, any>;

const DEPRECATION = '@1796342400';
const SUNSET = 'Wed, 30 Jun 2027 00:00:00 GMT';

function expectDeprecated(res: Response): void {
  expect(res.headers.get('Deprecation')).toBe(DEPRECATION);
  expect(res.headers.get('Sunset')).toBe(SUNSET);
  expect(res.headers.get('Link')).toBe('</docs>; rel="deprecation"; type="text/html"');
}

function expectCurrent(res: Response): void {
  expect(res.headers.get('Deprecation')).toBeNull();
  expect(res.headers.get('Sunset')).toBeNull();
}

describe.each(dialects)('glossary names and deprecated aliases on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let h: Harness;
    let url = '';
    beforeAll(async () => {
      url = await d.create();
      h = await startHarness(url);
      await seedMarket(h.runtime.ingest);
    });
    afterAll(async () => {
      await h?.close();
      await d.drop(url);
    });

    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await h.request(path, { headers });
      expect(res.status, path).toBe(200);
      return { res, body: (await res.json()) as Json };
    };

    it("a set's era is `era`, and `series` (deprecated) still carries it", async () => {
      const card = await get('/v1/cards/s1-4');
      expect(card.body.set).toMatchObject({ id: 's1', era: 'Alpha', series: 'Alpha' });
      const sets = await get('/v1/sets');
      const s1 = (sets.body.items as Json[]).find((s) => s.id === 's1');
      expect(s1).toMatchObject({ era: 'Alpha', series: 'Alpha' });
      expect((await get('/v1/sets/s2')).body).toMatchObject({ era: null, series: null });
      expectCurrent(card.res);
    });

    it('/v1/meta lists the feeds as `feeds`, and as `sources` (deprecated)', async () => {
      const { body } = await get('/v1/meta');
      expect((body.feeds as Json[]).map((f) => f.feed)).toContain('tcgcsv');
      expect(body.sources).toEqual(body.feeds);
    });

    it('movers carry the robust z-score as `robust_z` (and `zscore`); rank=zscore is a deprecated rank=robust_z', async () => {
      const current = await get('/v1/movers?window=7d&rank=robust_z');
      expectCurrent(current.res);
      const items = current.body.items as Json[];
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) {
        expect(typeof item.robust_z).toBe('number');
        expect(item.zscore).toBe(item.robust_z);
      }
      const zs = items.map((i) => i.robust_z as number);
      expect([...zs].sort((a, b) => b - a)).toEqual(zs);
      const old = await get('/v1/movers?window=7d&rank=zscore');
      expectDeprecated(old.res);
      expect(old.body.items).toEqual(items);
    });

    it('weights versions carry `origin`, and `source` (deprecated) with the same value', async () => {
      const list = await get('/v1/analytics/weights');
      expect(list.body.items[0]).toMatchObject({ origin: 'builtin', source: 'builtin' });
      const weights = { trend: 1, filter: 0, reversal: 0, drawdown: 0, regime: 0, search: 0 };
      const created = await h.request('/v1/analytics/weights', json({ weights }, bearer(ADMIN_TOKEN)));
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({ origin: 'manual', source: 'manual' });
      const stored = await h.runtime.database.db.selectFrom('factor_weights').select('origin').execute();
      expect(stored.map((r) => r.origin).sort()).toEqual(['builtin', 'manual']);
    });

    it('ingestion runs name their importer `importer` (and `source`); ?source= is a deprecated ?importer=', async () => {
      const admin = bearer(ADMIN_TOKEN);
      const current = await get('/v1/admin/ingestion/runs?importer=test', admin);
      expectCurrent(current.res);
      const runs = current.body.items as Json[];
      expect(runs.map((r) => [r.importer, r.source, r.feed])).toEqual([['test', 'test', 'test']]);
      expect((await get('/v1/admin/ingestion/runs?importer=nope', admin)).body.items).toEqual([]);
      const old = await get('/v1/admin/ingestion/runs?source=test', admin);
      expectDeprecated(old.res);
      expect(old.body.items).toEqual(runs);
      const clash = await h.request('/v1/admin/ingestion/runs?importer=test&source=nope', { headers: admin });
      expect(clash.status).toBe(422);
      expect(((await clash.json()) as Json).errors.map((e: Json) => e.field)).toEqual(['query.importer']);
      const one = await get(`/v1/admin/ingestion/runs/${runs[0]!.id}`, admin);
      expect(one.body).toMatchObject({ importer: 'test', source: 'test' });
    });

    it('the search-interest run summary names its importer `importer` (and `source`)', async () => {
      const res = await h.request(
        '/v1/ingest/search-interest',
        json(
          { rows: [{ card_id: 's1-4', date: '2026-11-01', value: 50, granularity: 'day', batch: 'b1' }] },
          bearer(ADMIN_TOKEN),
        ),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ importer: 'api', source: 'api', accepted: 1 });
      const stored = await h.runtime.database.db.selectFrom('search_interest').select('feed').execute();
      expect(stored).toEqual([{ feed: 'api' }]);
    });

    it('the OpenAPI document marks every deprecated name deprecated, and no current one', async () => {
      const spec = (await get('/openapi.json')).body;
      const schemas = spec.components.schemas as Record<string, Json>;
      const property = (schema: Json, name: string): Json => schema.properties[name];
      const params = (path: string) =>
        new Map((spec.paths[path].get.parameters as Json[]).map((p) => [p.name as string, p]));

      for (const path of ['/v1/cards/{id}/history', '/v1/cards/{id}/history.csv']) {
        expect(params(path).get('source')?.deprecated).toBe(true);
        expect(params(path).get('market')?.deprecated).toBeUndefined();
      }
      expect(params('/v1/admin/ingestion/runs').get('source')?.deprecated).toBe(true);
      expect(params('/v1/admin/ingestion/runs').get('importer')?.deprecated).toBeUndefined();
      expect(params('/v1/movers').get('rank')?.schema.enum).toEqual(['change', 'robust_z', 'zscore']);

      expect(property(schemas.IngestionRun!, 'source').deprecated).toBe(true);
      expect(property(schemas.IngestionRun!, 'importer').deprecated).toBeUndefined();
      expect(property(schemas.IngestionRunSummary!, 'source').deprecated).toBe(true);
      expect(property(schemas.WeightsVersion!, 'source').deprecated).toBe(true);
      expect(property(schemas.WeightsVersion!, 'origin').deprecated).toBeUndefined();
      expect(property(schemas.Mover!, 'zscore').deprecated).toBe(true);
      expect(property(schemas.Mover!, 'robust_z').deprecated).toBeUndefined();
      expect(property(schemas.Meta!, 'sources').deprecated).toBe(true);
      expect(property(schemas.Meta!, 'feeds').deprecated).toBeUndefined();
      const card = spec.paths['/v1/cards/{id}'].get.responses['200'].content['application/json'].schema;
      const set = property(card.$ref ? schemas[card.$ref.split('/').at(-1)]! : card, 'set');
      expect(property(set, 'series').deprecated).toBe(true);
      expect(property(set, 'era').deprecated).toBeUndefined();
    });
  });
});
