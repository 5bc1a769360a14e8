/**
 * Data-quality anomalies on both dialects: detection over a hand-made market with one planted
 * anomaly of each kind beside clean series (a volatile one among them), de-duplication across
 * runs, and the admin API's list and resolve workflow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveAnomalies } from './anomalies.ts';
import type { Database } from '../../platform/db/database.ts';
import { idFactory } from '../../platform/ids.ts';
import { dialects, label } from '#test/dialects.ts';
import { bearer, json, startHarness, type Harness } from '#test/harness.ts';

type Json = Record<string, any>;

const END = '2026-11-20';
const day = (offset: number) =>
  new Date(Date.parse(`${END}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
const odd = (k: number) => Math.abs(k) % 2 === 1;

/** A volatile but ordinary walk: daily log moves uniform in ±20 %, then a 35 % fall on END. */
function volatileWalk(): Map<number, number> {
  const out = new Map<number, number>();
  let cents = 2000;
  let seed = 7;
  for (let k = -120; k <= 0; k++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    cents = k === 0 ? Math.round(cents * 0.65) : Math.round(cents * Math.exp((seed / 2147483648 - 0.5) * 0.4));
    out.set(k, cents);
  }
  return out;
}

/**
 * Market prices (USD, NM, TCGplayer) per printing and day offset k ∈ [−120, 0]; null: no row.
 * - steady: 10.00 / 10.10 alternating. volatile: `volatileWalk`. real-9999: 99.50 / 100.50, then 99.99 on END.
 * - outlier: 10.00 on odd days, 10.50 on even ones, 30.00 on END → return outlier, z = ln 3 / (1.4826 · ln 1.05).
 * - stale: last price on day −10. dead: last price on day −91. edge7: last price on day −7 (not stale).
 * - resumed: prices until day −100, none again until days −5 … −1.
 * - placeholder: 12.34 / 12.50, then 999.99 on END (20× jump). repeated: 30.00, then 99.99 on END (repeated digits).
 * - spike: 7.00 / 7.10 with 4444.44 on day −20 only.
 * - filler-1 … filler-8: 2.00 until day −1; on END only a low price → 7 of the usual 16 printings priced on END.
 * The source skipped day −70 for every printing.
 */
const SERIES: Record<string, (k: number) => number | null> = {
  steady: (k) => (odd(k) ? 1000 : 1010),
  volatile: (
    (walk) => (k: number) =>
      walk.get(k)!
  )(volatileWalk()),
  outlier: (k) => (k === 0 ? 3000 : odd(k) ? 1000 : 1050),
  stale: (k) => (k <= -10 ? (odd(k) ? 500 : 505) : null),
  dead: (k) => (k <= -91 ? 800 : null),
  resumed: (k) => (k <= -100 || (k >= -5 && k <= -1) ? 400 : null),
  edge7: (k) => (k <= -7 ? (odd(k) ? 600 : 606) : null),
  placeholder: (k) => (k === 0 ? 99_999 : odd(k) ? 1234 : 1250),
  repeated: (k) => (k === 0 ? 9_999 : 3000),
  'real-9999': (k) => (k === 0 ? 9_999 : odd(k) ? 9_950 : 10_050),
  spike: (k) => (k === -20 ? 444_444 : odd(k) ? 700 : 710),
  ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`filler-${i + 1}`, (k: number) => (k < 0 ? 200 : null)])),
};

const SKIPPED_DAY = -70;

async function seedPrices(database: Database): Promise<void> {
  const db = database.db;
  const at = '2026-11-21T00:00:00.000Z';
  await db
    .insertInto('sets')
    .values({ id: 'an', game: 'pokemon', name: 'Anomaly Set', language: 'en', updated_at: at })
    .execute();
  const names = Object.keys(SERIES);
  await db
    .insertInto('cards')
    .values(
      names.map((name, i) => ({
        id: `an-${name}`,
        set_id: 'an',
        number: String(i + 1),
        name,
        kind: 'card' as const,
        language: 'en',
        updated_at: at,
      })),
    )
    .execute();
  await db
    .insertInto('printings')
    .values(
      names.map((name) => ({
        id: `an-${name}-normal`,
        card_id: `an-${name}`,
        finish: 'normal',
        language: 'en',
        created_at: at,
      })),
    )
    .execute();
  const keys = new Map(
    (await db.selectFrom('printings').select(['key', 'id']).execute()).map((p) => [p.id, Number(p.key)]),
  );
  const base = { condition: 'NM', feed: 'test', known_at: at, run_id: 'run_test', low_cents: null as number | null };
  const rows = [];
  for (const name of names) {
    const printingKey = keys.get(`an-${name}-normal`)!;
    for (let k = -120; k <= 0; k++) {
      if (k === SKIPPED_DAY) continue;
      const cents = SERIES[name]!(k);
      if (cents !== null)
        rows.push({
          ...base,
          printing_key: printingKey,
          market: 'tcgplayer',
          currency: 'USD',
          date: day(k),
          market_cents: cents,
        });
      else if (name.startsWith('filler') && k === 0)
        rows.push({
          ...base,
          printing_key: printingKey,
          market: 'tcgplayer',
          currency: 'USD',
          date: day(k),
          market_cents: null,
          low_cents: 150,
        });
    }
  }
  // Another market's series is not the primary one: its jump is not judged.
  const outlierKey = keys.get('an-outlier-normal')!;
  for (let k = -40; k <= 0; k++)
    rows.push({
      ...base,
      printing_key: outlierKey,
      market: 'cardmarket',
      currency: 'EUR',
      date: day(k),
      market_cents: k === 0 ? 90_000 : odd(k) ? 900 : 950,
    });
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('prices')
      .values(rows.slice(i, i + 200))
      .execute();
}

const PLANTED_ON_END = [
  {
    kind: 'coverage_drop',
    subject: 'market:tcgplayer',
    date: END,
    severity: 0.5625,
    detail: { printings: 7, baseline_median: 16, ratio: 0.4375, baseline_from: day(-14), baseline_dates: 14 },
  },
  {
    kind: 'placeholder_price',
    subject: 'an-placeholder-normal',
    date: END,
    severity: 80.5145,
    detail: { rule: 'jump', cents: 99_999, previous_cents: 1234, median_cents: 1242 },
  },
  {
    kind: 'placeholder_price',
    subject: 'an-repeated-normal',
    date: END,
    severity: 3.333,
    detail: { rule: 'repeated_digits', cents: 9_999, median_cents: 3000 },
  },
  {
    kind: 'return_outlier',
    subject: 'an-outlier-normal',
    date: END,
    severity: 15.1876,
    detail: { from_date: day(-1), from_cents: 1000, to_cents: 3000, z: 15.1876, returns: 60 },
  },
  {
    kind: 'stale_series',
    subject: 'an-stale-normal',
    date: END,
    severity: 10,
    detail: { last_date: day(-10), days_behind: 10 },
  },
];

async function storedAnomalies(database: Database) {
  const rows = await database.db
    .selectFrom('anomalies')
    .selectAll()
    .orderBy('date')
    .orderBy('kind')
    .orderBy('subject')
    .execute();
  return rows.map((r) => ({
    ...r,
    date: String(r.date),
    severity: Number(r.severity),
    detail: JSON.parse(r.detail) as Json,
  }));
}

describe.each(dialects)('anomaly detection on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let h: Harness;
    let url = '';
    let database: Database;
    const newId = () => idFactory(h.clock);
    beforeAll(async () => {
      url = await d.create();
      h = await startHarness(url);
      database = h.runtime.database;
      await seedPrices(database);
    });
    afterAll(async () => {
      await h?.close();
      await d.drop(url);
    });

    it('finds exactly the planted anomalies on the market latest date, with their severities', async () => {
      const before = database.queryCount;
      const counts = await deriveAnomalies(database, h.clock, newId());
      expect(counts).toEqual({
        return_outlier: 1,
        stale_series: 1,
        placeholder_price: 2,
        coverage_drop: 1,
        inserted: 5,
      });
      // A handful of statements, not one per printing.
      expect(database.queryCount - before).toBeLessThanOrEqual(6);
      const stored = await storedAnomalies(database);
      expect(stored).toHaveLength(5);
      PLANTED_ON_END.forEach((planted, i) => expect(stored[i], planted.kind).toMatchObject(planted));
      const outlier = stored.find((a) => a.kind === 'return_outlier')!;
      expect(outlier).toMatchObject({
        status: 'open',
        note: null,
        resolved_by: null,
        resolved_at: null,
        detected_at: '2026-11-25T12:00:00.000Z',
      });
      expect(outlier.id).toMatch(/^anm_/);
      expect(outlier.printing_key).not.toBeNull();
      expect(stored.find((a) => a.kind === 'coverage_drop')!.printing_key).toBeNull();
    });

    it('a second run inserts nothing and leaves a resolved anomaly as the operator left it', async () => {
      const outlier = (await storedAnomalies(database)).find((a) => a.kind === 'return_outlier')!;
      await database.db
        .updateTable('anomalies')
        .set({ status: 'dismissed', note: 'real sale', resolved_by: 'key_x', resolved_at: '2026-11-25T13:00:00.000Z' })
        .where('id', '=', outlier.id)
        .execute();
      h.clock.advance(86_400_000);
      const counts = await deriveAnomalies(database, h.clock, newId());
      expect(counts).toEqual({
        return_outlier: 1,
        stale_series: 1,
        placeholder_price: 2,
        coverage_drop: 1,
        inserted: 0,
      });
      const stored = await storedAnomalies(database);
      expect(stored).toHaveLength(5);
      expect(stored.find((a) => a.id === outlier.id)).toMatchObject({
        status: 'dismissed',
        note: 'real sale',
        resolved_by: 'key_x',
        detected_at: outlier.detected_at,
      });
    });

    it('a range finds each date as a one-day run would: dead series until 90 days behind, the stale one daily, the spike on its day', async () => {
      const counts = await deriveAnomalies(database, h.clock, newId(), undefined, { from: day(-25), to: END });
      expect(counts).toEqual({
        return_outlier: 1,
        stale_series: 44,
        placeholder_price: 3,
        coverage_drop: 1,
        inserted: 44,
      });
      const stored = await storedAnomalies(database);
      const stale = stored.filter((a) => a.kind === 'stale_series');
      expect(stale.filter((a) => a.subject === 'an-dead-normal').map((a) => [a.date, a.severity])).toEqual(
        Array.from({ length: 25 }, (_, i) => [day(-25 + i), 66 + i]),
      );
      // Before it resumed, the series was as stale as its observation on day −100 made it.
      expect(stale.filter((a) => a.subject === 'an-resumed-normal').map((a) => [a.date, a.severity])).toEqual(
        Array.from({ length: 16 }, (_, i) => [day(-25 + i), 75 + i]),
      );
      expect(stale.filter((a) => a.subject === 'an-stale-normal').map((a) => [a.date, a.severity])).toEqual([
        [day(-2), 8],
        [day(-1), 9],
        [END, 10],
      ]);
      expect(stored.filter((a) => a.kind === 'placeholder_price' && a.date !== END)).toMatchObject([
        {
          subject: 'an-spike-normal',
          date: day(-20),
          severity: 630.417,
          detail: { rule: 'jump', cents: 444_444, median_cents: 705 },
        },
      ]);
      expect(stored.filter((a) => a.kind !== 'stale_series' && a.date !== END)).toHaveLength(1);
    });

    it('a past date alone is judged as of that date, and a range beyond the data stops at the latest date', async () => {
      const past = await deriveAnomalies(database, h.clock, newId(), undefined, { from: day(-20), to: day(-20) });
      expect(past).toEqual({ return_outlier: 0, stale_series: 2, placeholder_price: 1, coverage_drop: 0, inserted: 0 });
      const beyond = await deriveAnomalies(database, h.clock, newId(), undefined, { from: day(5), to: day(9) });
      expect(beyond).toEqual({
        return_outlier: 0,
        stale_series: 0,
        placeholder_price: 0,
        coverage_drop: 0,
        inserted: 0,
      });
      await expect(deriveAnomalies(database, h.clock, newId(), undefined, { from: END, to: day(-1) })).rejects.toThrow(
        RangeError,
      );
      await expect(deriveAnomalies(database, h.clock, newId(), undefined, { from: '2026-02-30' })).rejects.toThrow(
        RangeError,
      );
    });

    it('a day the source skipped for every printing is no market date: nothing is stale on it', async () => {
      const counts = await deriveAnomalies(database, h.clock, newId(), undefined, { from: day(-72), to: day(-68) });
      expect(counts).toEqual({
        return_outlier: 0,
        stale_series: 8,
        placeholder_price: 0,
        coverage_drop: 0,
        inserted: 8,
      });
      const stale = (await storedAnomalies(database)).filter((a) => a.date <= day(-68));
      expect(stale.map((a) => [a.subject, a.date, a.severity])).toEqual([
        ['an-dead-normal', day(-72), 19],
        ['an-resumed-normal', day(-72), 28],
        ['an-dead-normal', day(-71), 20],
        ['an-resumed-normal', day(-71), 29],
        ['an-dead-normal', day(-69), 22],
        ['an-resumed-normal', day(-69), 31],
        ['an-dead-normal', day(-68), 23],
        ['an-resumed-normal', day(-68), 32],
      ]);
    });
  });
});

describe.each(dialects)('anomalies admin API on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let h: Harness;
    let url = '';
    const key: Record<'viewer' | 'operator', { token: string; id: string }> = {
      viewer: { token: '', id: '' },
      operator: { token: '', id: '' },
    };
    beforeAll(async () => {
      url = await d.create();
      h = await startHarness(url);
      await seedPrices(h.runtime.database);
      await deriveAnomalies(h.runtime.database, h.clock, idFactory(h.clock), undefined, { from: day(-25), to: END });
      for (const role of ['viewer', 'operator'] as const) {
        const created = await h.runtime.keys.create({ name: role, role }, { actor: 'test', role: 'admin' });
        key[role] = { token: created.key, id: created.record.id };
      }
    });
    afterAll(async () => {
      await h?.close();
      await d.drop(url);
    });

    const get = async (path: string, role: 'viewer' | 'operator' | null = 'viewer') => {
      const res = await h.request(path, { headers: role ? bearer(key[role].token) : {} });
      return { res, body: (await res.json()) as Json };
    };
    const resolve = async (id: string, body: unknown, role: 'viewer' | 'operator' = 'operator') => {
      const res = await h.request(`/v1/admin/anomalies/${id}/resolve`, json(body, bearer(key[role].token)));
      return { res, body: (await res.json()) as Json };
    };
    const idOf = async (kind: string, subject: string, date = END) =>
      (
        await h.runtime.database.db
          .selectFrom('anomalies')
          .select('id')
          .where('kind', '=', kind as 'stale_series')
          .where('subject', '=', subject)
          .where('date', '=', date)
          .executeTakeFirstOrThrow()
      ).id;

    it('needs the viewer role to list: 401 anonymous', async () => {
      const { res, body } = await get('/v1/admin/anomalies', null);
      expect(res.status).toBe(401);
      expect(body.code).toBe('unauthorized');
    });

    it('lists open anomalies newest date first, with printing and card ids and the detail as an object', async () => {
      const { res, body } = await get('/v1/admin/anomalies?limit=200');
      expect(res.status).toBe(200);
      expect(body.next_cursor).toBeNull();
      expect(body.items).toHaveLength(49);
      const dates = (body.items as Json[]).map((i) => i.date as string);
      expect(dates).toEqual([...dates].sort().reverse());
      const outlier = (body.items as Json[]).find((i) => i.kind === 'return_outlier')!;
      expect(outlier).toEqual({
        id: expect.stringMatching(/^anm_/),
        kind: 'return_outlier',
        subject: 'an-outlier-normal',
        printing_id: 'an-outlier-normal',
        card_id: 'an-outlier',
        date: END,
        severity: 15.1876,
        detail: {
          from_date: day(-1),
          from_cents: 1000,
          to_cents: 3000,
          currency: 'USD',
          return: 1.0986,
          z: 15.1876,
          returns: 60,
        },
        status: 'open',
        note: null,
        resolved_by: null,
        resolved_at: null,
        detected_at: '2026-11-25T12:00:00.000Z',
      });
      expect((body.items as Json[]).find((i) => i.kind === 'coverage_drop')).toMatchObject({
        subject: 'market:tcgplayer',
        printing_id: null,
        card_id: null,
      });
    });

    it('filters by kind, subject, printing and dates', async () => {
      const kinds = (body: Json) => (body.items as Json[]).map((i) => `${i.kind} ${i.subject} ${i.date}`);
      expect(kinds((await get('/v1/admin/anomalies?kind=placeholder_price')).body)).toEqual([
        `placeholder_price an-repeated-normal ${END}`,
        `placeholder_price an-placeholder-normal ${END}`,
        `placeholder_price an-spike-normal ${day(-20)}`,
      ]);
      expect(kinds((await get('/v1/admin/anomalies?subject=market:tcgplayer')).body)).toEqual([
        `coverage_drop market:tcgplayer ${END}`,
      ]);
      expect(kinds((await get('/v1/admin/anomalies?printing=an-stale-normal')).body)).toEqual([
        `stale_series an-stale-normal ${END}`,
        `stale_series an-stale-normal ${day(-1)}`,
        `stale_series an-stale-normal ${day(-2)}`,
      ]);
      expect(kinds((await get(`/v1/admin/anomalies?printing=an-stale-normal&subject=market:tcgplayer`)).body)).toEqual(
        [],
      );
      expect(
        (await get(`/v1/admin/anomalies?kind=stale_series&from=${day(-10)}&to=${day(-8)}`)).body.items.map(
          (i: Json) => [i.subject, i.date, i.severity],
        ),
      ).toEqual([
        ['an-dead-normal', day(-8), 83],
        ['an-dead-normal', day(-9), 82],
        ['an-resumed-normal', day(-10), 90],
        ['an-dead-normal', day(-10), 81],
      ]);
    });

    it('walks every page with cursors: each anomaly once, in the order of one page', async () => {
      const whole = ((await get('/v1/admin/anomalies?limit=200')).body.items as Json[]).map((i) => i.id as string);
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const { res, body } = await get(`/v1/admin/anomalies?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect(body.items.length).toBeLessThanOrEqual(4);
        walked.push(...(body.items as Json[]).map((i) => i.id as string));
        cursor = body.next_cursor;
      } while (cursor);
      expect(walked).toEqual(whole);
    });

    it('refuses bad list parameters with 422 naming the field', async () => {
      const cases: [string, string][] = [
        ['/v1/admin/anomalies?status=closed', 'query.status'],
        ['/v1/admin/anomalies?kind=gap', 'query.kind'],
        ['/v1/admin/anomalies?from=2026-02-30', 'query.from'],
        ['/v1/admin/anomalies?to=20261120', 'query.to'],
        [`/v1/admin/anomalies?from=${END}&to=${day(-1)}`, 'query.from'],
        ['/v1/admin/anomalies?cursor=bm9wZQ', 'query.cursor'],
        [
          `/v1/admin/anomalies?cursor=${Buffer.from(JSON.stringify({ date: 'x', id: 'y' })).toString('base64url')}`,
          'query.cursor',
        ],
        ['/v1/admin/anomalies?limit=0', 'query.limit'],
      ];
      for (const [path, field] of cases) {
        const { res, body } = await get(path);
        expect(res.status, path).toBe(422);
        expect(
          body.errors.map((e: Json) => e.field),
          path,
        ).toContain(field);
      }
    });

    it('a viewer cannot resolve (403)', async () => {
      const { res, body } = await resolve(
        await idOf('stale_series', 'an-stale-normal'),
        { action: 'acknowledge' },
        'viewer',
      );
      expect(res.status).toBe(403);
      expect(body.code).toBe('forbidden');
    });

    it('an operator acknowledges: status, resolver, time and an audit entry; acknowledging again changes nothing', async () => {
      const id = await idOf('stale_series', 'an-stale-normal');
      h.clock.set('2026-11-25T14:00:00.000Z');
      const { res, body } = await resolve(id, { action: 'acknowledge', note: '  feed dropped the product  ' });
      expect(res.status).toBe(200);
      expect(body).toMatchObject({
        id,
        status: 'acknowledged',
        note: 'feed dropped the product',
        resolved_by: key.operator.id,
        resolved_at: '2026-11-25T14:00:00.000Z',
      });
      const audit = await h.runtime.database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'anomaly.acknowledge')
        .where('target', '=', id)
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor: key.operator.id, role: 'operator', result: 'success' });
      expect(JSON.parse(audit[0]!.detail!)).toEqual({ kind: 'stale_series', subject: 'an-stale-normal', date: END });

      h.clock.set('2026-11-25T15:00:00.000Z');
      const again = await resolve(id, { action: 'acknowledge' });
      expect(again.res.status).toBe(200);
      expect(again.body).toMatchObject({
        status: 'acknowledged',
        note: 'feed dropped the product',
        resolved_at: '2026-11-25T14:00:00.000Z',
      });
      expect(
        await h.runtime.database.db.selectFrom('audit_log').select('id').where('target', '=', id).execute(),
      ).toHaveLength(1);

      expect((await get('/v1/admin/anomalies?status=acknowledged')).body.items.map((i: Json) => i.id)).toEqual([id]);
      expect(
        (await get('/v1/admin/anomalies?printing=an-stale-normal')).body.items.map((i: Json) => i.id),
      ).not.toContain(id);
      expect(
        (await get('/v1/admin/anomalies?printing=an-stale-normal&status=all')).body.items.map((i: Json) => i.id),
      ).toContain(id);
    });

    it('dismissing needs a note; an acknowledged anomaly can be dismissed; a dismissed one stays dismissed (409)', async () => {
      const id = await idOf('stale_series', 'an-stale-normal');
      const missing = await resolve(id, { action: 'dismiss' });
      expect(missing.res.status).toBe(422);
      expect(missing.body.errors).toEqual([{ field: 'body.note', message: 'is required to dismiss' }]);
      const blank = await resolve(id, { action: 'dismiss', note: '   ' });
      expect(blank.res.status).toBe(422);

      const { res, body } = await resolve(id, { action: 'dismiss', note: 'product retired upstream' });
      expect(res.status).toBe(200);
      expect(body).toMatchObject({
        status: 'dismissed',
        note: 'product retired upstream',
        resolved_by: key.operator.id,
        resolved_at: '2026-11-25T15:00:00.000Z',
      });
      expect(
        await h.runtime.database.db
          .selectFrom('audit_log')
          .select('action')
          .where('target', '=', id)
          .orderBy('id')
          .execute(),
      ).toEqual([{ action: 'anomaly.acknowledge' }, { action: 'anomaly.dismiss' }]);

      for (const action of [{ action: 'acknowledge' }, { action: 'dismiss', note: 'again' }]) {
        const conflict = await resolve(id, action);
        expect(conflict.res.status).toBe(409);
        expect(conflict.body.code).toBe('anomaly_dismissed');
      }
      expect((await get('/v1/admin/anomalies?status=dismissed')).body.items).toMatchObject([
        { id, note: 'product retired upstream' },
      ]);
    });

    it('an open anomaly can be dismissed at once; detection again leaves it dismissed', async () => {
      const id = await idOf('placeholder_price', 'an-repeated-normal');
      const { res, body } = await resolve(id, { action: 'dismiss', note: 'really sold at 99.99' });
      expect(res.status).toBe(200);
      expect(body.status).toBe('dismissed');
      const counts = await deriveAnomalies(h.runtime.database, h.clock, idFactory(h.clock));
      expect(counts.inserted).toBe(0);
      expect((await get('/v1/admin/anomalies?status=dismissed&kind=placeholder_price')).body.items).toMatchObject([
        { id, note: 'really sold at 99.99' },
      ]);
    });

    it('refuses an unknown id (404) and a bad body (422 naming the field)', async () => {
      const unknown = await resolve('anm_01JDX8M3Q5W7ZK2N4R6T8V0B1C', { action: 'acknowledge' });
      expect(unknown.res.status).toBe(404);
      expect(unknown.body.code).toBe('anomaly_not_found');
      const id = await idOf('coverage_drop', 'market:tcgplayer');
      const cases: [unknown, string][] = [
        [{ action: 'close' }, 'body.action'],
        [{}, 'body.action'],
        [{ action: 'acknowledge', note: 'x'.repeat(1001) }, 'body.note'],
        [{ action: 'acknowledge', status: 'dismissed' }, 'body'],
      ];
      for (const [payload, field] of cases) {
        const { res, body } = await resolve(id, payload);
        expect(res.status, JSON.stringify(payload).slice(0, 60)).toBe(422);
        expect(body.errors.map((e: Json) => e.field)).toContain(field);
      }
      expect((await get('/v1/admin/anomalies?subject=market:tcgplayer')).body.items).toMatchObject([
        { id, status: 'open' },
      ]);
    });
  });
});
