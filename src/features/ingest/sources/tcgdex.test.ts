// Fixtures: shapes follow @tcgdex/sdk's published types; no recorded TCGdex responses are shared (see test/tcgdex-fixtures.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestContext, ingestDatabase } from '#test/ingest-harness.ts';
import { recordingSleep, startReplay, type Replay } from '#test/replay-server.ts';
import { ALIASES_CSV, BROKEN_SETS, CARDS, SET_DETAILS, SET_LIST } from '#test/tcgdex-fixtures.ts';
import { catalogWriter } from '../context.ts';
import { importTcgdexCatalog, importTcgdexPrices, type TcgdexOptions } from './tcgdex.ts';

const state = { sets: SET_LIST as unknown[] };
const BROKEN: Record<string, 'truncated' | 'cut' | 'malformed'> = { trunc: 'truncated', cut: 'cut', bad: 'malformed' };
let replay: Replay;
let dir: string;
let aliasesFile: string;
const rec = recordingSleep();
const options = (extra: Partial<TcgdexOptions> = {}): TcgdexOptions => ({
  baseUrl: replay.baseUrl,
  aliasesFile,
  retries: 2,
  timeoutMs: 2000,
  requestsPerSecond: 1000,
  sleep: rec.sleep,
  ...extra,
});
const keys = () => replay.requests.map((r) => r.key);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cardquant-tcgdex-'));
  aliasesFile = join(dir, 'set_aliases.csv');
  writeFileSync(aliasesFile, ALIASES_CSV);
  replay = await startReplay((url) => {
    const m = /^\/v2\/en\/(sets|cards)(?:\/(.+))?$/.exec(url.pathname);
    if (!m) return null;
    const id = m[2] ? decodeURIComponent(m[2]) : null;
    if (m[1] === 'sets' && id === null) return { key: 'sets', body: JSON.stringify(state.sets) };
    const body = m[1] === 'sets' ? SET_DETAILS[id!] : CARDS[id!];
    return body
      ? { key: `${m[1] === 'sets' ? 'set' : 'card'}:${id}`, body: JSON.stringify(body), fallback: BROKEN[id!] ?? 'ok' }
      : null;
  });
});
afterAll(async () => {
  await replay.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  state.sets = SET_LIST;
  replay.reset();
  rec.waits.length = 0;
});

describe.each(dialects)('TCGdex import on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d);
    beforeAll(async () => {
      // What pokemontcg.io already catalogued: `base1` (same id), `sv1` (known as TCGdex `sv01`) and one of its cards.
      const w = catalogWriter(ctx);
      await w.upsertSets(
        [
          { id: 'base1', name: 'Base' },
          { id: 'sv1', name: 'Scarlet & Violet', tcgdexSetId: 'sv01' },
        ],
        '2025-10-01T00:00:00.000Z',
      );
      await w.upsertCards(
        [
          {
            id: 'sv1-1',
            setId: 'sv1',
            number: '1',
            name: 'Sprigatito',
            rarity: 'Common',
            hp: '70',
            pokemontcgId: 'sv1-1',
          },
        ],
        '2025-10-01T00:00:00.000Z',
      );
    });

    it('walks the set list, maps sv03.5 → sv3pt5 and 053 → 53, rejects an unmapped set and records TCGdex ids', async () => {
      const run = await importTcgdexCatalog(ctx, options());
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 13,
        accepted: 6,
        updated: 3,
        unchanged: 0,
        rejected: 4,
        failures: [],
      });
      expect(run.rejected_by_reason).toEqual({ unknown_set: 3, malformed_row: 1 });
      expect(keys().filter((k) => !k.startsWith('card:'))).toEqual([
        'sets',
        'set:sv03.5',
        'set:base1',
        'set:sv01',
        'set:tst9',
        'set:emp01',
      ]);
      expect(
        keys()
          .filter((k) => k.startsWith('card:'))
          .sort(),
      ).toEqual(['card:base1-4', 'card:base1-58', 'card:sv01-001', 'card:sv03.5-001', 'card:sv03.5-053']);
      const db = ctx.database.db;
      const cards = await db
        .selectFrom('cards')
        .select([
          'id',
          'set_id',
          'number',
          'name',
          'supertype',
          'rarity',
          'hp',
          'artist',
          'types',
          'tcgdex_id',
          'pokemontcg_id',
          'images',
        ])
        .orderBy('id')
        .execute();
      expect(cards.map((c) => c.id)).toEqual(['base1-4', 'base1-58', 'sv1-1', 'sv3pt5-1', 'sv3pt5-53']);
      expect(cards[4]).toEqual({
        id: 'sv3pt5-53',
        set_id: 'sv3pt5',
        number: '53',
        name: 'Dugtrio',
        supertype: 'Pokémon',
        rarity: 'Uncommon',
        hp: '60',
        artist: 'Test Artist',
        types: '["Colorless"]',
        tcgdex_id: 'sv03.5-053',
        pokemontcg_id: null,
        images: JSON.stringify({
          tcgdex: {
            small: 'https://assets.tcgdex.net/en/test/sv03.5/053/low.webp',
            large: 'https://assets.tcgdex.net/en/test/sv03.5/053/high.webp',
          },
        }),
      });
      // pokemontcg.io's fields stay; TCGdex adds its id, its images and the missing artist.
      expect(cards[2]).toMatchObject({
        name: 'Sprigatito',
        rarity: 'Common',
        hp: '70',
        artist: 'Sprig Painter',
        tcgdex_id: 'sv01-001',
        pokemontcg_id: 'sv1-1',
      });
      const sets = await db
        .selectFrom('sets')
        .select(['id', 'name', 'era', 'tcgdex_set_id', 'release_date', 'total'])
        .orderBy('id')
        .execute();
      expect(sets).toEqual([
        {
          id: 'base1',
          name: 'Base',
          era: 'Test Series',
          tcgdex_set_id: 'base1',
          release_date: '2023-09-22',
          total: 102,
        },
        {
          id: 'emp1',
          name: 'Empty Expansion',
          era: 'Test Series',
          tcgdex_set_id: 'emp01',
          release_date: '2023-09-22',
          total: 0,
        },
        {
          id: 'sv1',
          name: 'Scarlet & Violet',
          era: 'Test Series',
          tcgdex_set_id: 'sv01',
          release_date: '2023-09-22',
          total: 198,
        },
        {
          id: 'sv3pt5',
          name: '151',
          era: 'Scarlet & Violet',
          tcgdex_set_id: 'sv03.5',
          release_date: '2023-09-22',
          total: 165,
        },
      ]);
      const stored = await db
        .selectFrom('ingestion_runs')
        .select('checkpoint')
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(stored.checkpoint!)).toEqual({ doneSets: ['sv03.5', 'base1', 'sv01', 'tst9', 'emp01'] });
      const names: string[] = [];
      for await (const p of ctx.runs.payloads(run.id)) names.push(p.name);
      expect(names.filter((n) => !n.startsWith('cards/'))).toEqual([
        'sets',
        'sets/sv03.5',
        'sets/base1',
        'sets/sv01',
        'sets/tst9',
        'sets/emp01',
      ]);
      expect(names.filter((n) => n.startsWith('cards/'))).toHaveLength(5);
    });

    it('re-running the catalogue import changes nothing', async () => {
      const run = await importTcgdexCatalog(ctx, options());
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 13,
        accepted: 0,
        updated: 0,
        unchanged: 9,
        rejected: 4,
      });
    });

    it('imports prices in both variant spellings with exact cents; a re-run is unchanged', async () => {
      const run = await importTcgdexPrices(ctx, options());
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 13,
        accepted: 8,
        updated: 0,
        unchanged: 0,
        rejected: 5,
      });
      expect(run.rejected_by_reason).toEqual({
        unknown_set: 2,
        malformed_row: 1,
        unknown_finish: 1,
        all_prices_null: 1,
      });
      const prices = await ctx.database.db
        .selectFrom('prices')
        .innerJoin('printings', 'printings.key', 'prices.printing_key')
        .select([
          'printings.id',
          'market',
          'currency',
          'date',
          'feed',
          'market_cents',
          'low_cents',
          'mid_cents',
          'high_cents',
          'direct_low_cents',
          'trend_cents',
          'avg1_cents',
          'avg7_cents',
          'avg30_cents',
        ])
        .orderBy('printings.id')
        .orderBy('market')
        .execute();
      const row = (id: string, market: string, currency: string, date: string, c: (number | null)[]) => ({
        id,
        market,
        currency,
        date,
        feed: 'tcgdex',
        market_cents: c[0],
        low_cents: c[1],
        mid_cents: c[2],
        high_cents: c[3],
        direct_low_cents: c[4],
        trend_cents: c[5],
        avg1_cents: c[6],
        avg7_cents: c[7],
        avg30_cents: c[8],
      });
      expect(prices).toEqual([
        row('base1-4.holofoil', 'cardmarket', 'EUR', '2025-10-19', [
          28990,
          15000,
          null,
          null,
          null,
          30125,
          null,
          29500,
          29010,
        ]),
        row('base1-4.holofoil', 'tcgplayer', 'USD', '2025-10-20', [
          37550,
          31000,
          39999,
          120000,
          null,
          null,
          null,
          null,
          null,
        ]),
        row('sv3pt5-1.normal', 'cardmarket', 'EUR', '2025-10-19', [21, 2, null, null, null, 19, 30, 22, 20]),
        row('sv3pt5-1.normal', 'tcgplayer', 'USD', '2025-10-20', [29, 5, 25, null, null, null, null, null, null]),
        row('sv3pt5-1.reverse-holofoil', 'cardmarket', 'EUR', '2025-10-19', [
          55,
          10,
          null,
          null,
          null,
          61,
          null,
          58,
          57,
        ]),
        row('sv3pt5-1.reverse-holofoil', 'tcgplayer', 'USD', '2025-10-20', [
          87,
          50,
          110,
          500,
          60,
          null,
          null,
          null,
          null,
        ]),
        row('sv3pt5-53.normal', 'tcgplayer', 'USD', '2025-10-20', [16, 3, 20, 200, null, null, null, null, null]),
        row('sv3pt5-53.reverse-holofoil', 'tcgplayer', 'USD', '2025-10-20', [
          42,
          20,
          50,
          300,
          25,
          null,
          null,
          null,
          null,
        ]),
      ]);
      const again = await importTcgdexPrices(ctx, options());
      expect(again).toMatchObject({
        status: 'succeeded',
        rows_read: 13,
        accepted: 0,
        updated: 0,
        unchanged: 8,
        rejected: 5,
      });
    });

    it('rides out a 429 with Retry-After, a 503 and a card request that never answers', async () => {
      replay.script.set('set:sv03.5', [{ status: 429, retryAfter: '3' }]);
      replay.script.set('card:sv03.5-001', ['hang']);
      replay.script.set('card:base1-4', [{ status: 503 }]);
      const run = await importTcgdexCatalog(ctx, options({ timeoutMs: 300 }));
      expect(run).toMatchObject({ status: 'succeeded', rows_read: 13, unchanged: 9, failures: [] });
      expect(rec.waits[0]).toBe(3000);
      expect(rec.waits).toHaveLength(3);
      // Exponential backoff starts at 500 ms with ±20 % jitter.
      for (const w of rec.waits.slice(1)) expect(w).toBeGreaterThanOrEqual(400);
      for (const w of rec.waits.slice(1)) expect(w).toBeLessThanOrEqual(600);
      expect(keys().filter((k) => k === 'set:sv03.5')).toHaveLength(2);
      expect(keys().filter((k) => k === 'card:sv03.5-001')).toHaveLength(2);
    });

    it('records truncated, cut-off and malformed sets and a broken card as failures; the rest is imported', async () => {
      state.sets = [...SET_LIST, ...BROKEN_SETS];
      replay.script.set('card:sv03.5-053', ['truncated']);
      const run = await importTcgdexCatalog(ctx, options({ sets: ['sv03.5', 'base1', 'trunc', 'cut', 'bad', 'gone'] }));
      expect(run.status).toBe('partial');
      expect(run.failures.map((f) => f.item)).toEqual(['gone', 'sv03.5', 'trunc', 'cut', 'bad']);
      expect(run.failures[1]!.error).toMatch(/^1 of 2 cards failed; first sv03\.5-053: malformed: invalid JSON/);
      expect(run.failures[2]!.error).toMatch(/^malformed: invalid JSON/);
      expect(run.failures[3]!.error).toMatch(/^network: .*body cut off/);
      expect(run.failures[4]!.error).toMatch(/^malformed: invalid JSON/);
      // sv03.5 (set + the card that arrived) and base1 (set + 2 cards + 1 malformed).
      expect(run).toMatchObject({ rows_read: 6, accepted: 0, unchanged: 5, rejected: 1 });
      const stored = await ctx.database.db
        .selectFrom('ingestion_runs')
        .select(['status', 'checkpoint'])
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(stored.status).toBe('partial');
      expect(JSON.parse(stored.checkpoint!)).toEqual({ doneSets: ['base1'] });
    });

    it('resumes after the sets a previous run finished', async () => {
      const run = await importTcgdexCatalog(
        ctx,
        options({ resume: { doneSets: ['sv03.5', 'base1', 'sv01', 'tst9'] } }),
      );
      expect(keys()).toEqual(['sets', 'set:emp01']);
      expect(run).toMatchObject({ status: 'succeeded', rows_read: 1, unchanged: 1 });
    });

    it('fails on an empty set list: a run that reads nothing never succeeds', async () => {
      state.sets = [];
      const run = await importTcgdexPrices(ctx, options());
      expect(run).toMatchObject({ status: 'failed', rows_read: 0, failures: [], error: 'the run read no rows' });
    });

    it('fails the run when the set list or the alias file cannot be had', async () => {
      replay.script.set('sets', [{ status: 404 }]);
      const noList = await importTcgdexCatalog(ctx, options());
      expect(noList.status).toBe('failed');
      expect(noList.error).toMatch(/^TCGdex set list: http: TCGdex answered 404/);
      const noFile = await importTcgdexCatalog(ctx, options({ aliasesFile: join(dir, 'missing.csv') }));
      expect(noFile).toMatchObject({ status: 'failed', rows_read: 0 });
      expect(noFile.error).toMatch(/^cannot read the TCGdex alias file missing\.csv/);
    });

    it('without aliases, a set known to no one is rejected, never given an invented id', async () => {
      const url2 = await d.create();
      const fresh = await ingestContext(url2);
      try {
        const run = await importTcgdexCatalog(fresh, options({ aliasesFile: undefined, sets: ['sv03.5'] }));
        // Every row rejected: the run fails and says why.
        expect(run).toMatchObject({
          status: 'failed',
          rows_read: 3,
          accepted: 0,
          rejected: 3,
          error: 'every row was rejected: 3 unknown_set',
        });
        expect(run.rejected_by_reason).toEqual({ unknown_set: 3 });
        expect(keys()).toEqual(['sets', 'set:sv03.5']);
      } finally {
        await fresh.close();
        await d.drop(url2);
      }
    });
  });
});
