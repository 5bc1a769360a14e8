import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestContext } from '#test/ingest-harness.ts';
import type { CardInput, SetInput } from '../../catalog/catalog-writer.ts';
import { catalogWriter, type IngestContext } from '../context.ts';
import { importHistoryCsv, repairYear, slug } from './history-csv.ts';

const SHARED = new URL('../../../../../shared/data/', import.meta.url);
const OUTPUT_CSV = new URL('tcgplayer-history/output.csv', SHARED);
const CATALOG = new URL('pokemontcg-data/', SHARED);
const sharedMissing =
  existsSync(OUTPUT_CSV) && existsSync(CATALOG)
    ? null
    : 'skipped: ../shared/data (tcgplayer-history, pokemontcg-data) is absent';

const GENERIC = `card_id,finish,market,currency,date,market_price,low_price,mid_price,high_price,condition
base1-4,Holofoil,tcgplayer,USD,2025-10-01,350.25,300,380.5,9999,
base1-4,holofoil,TCGplayer,usd,2025-10-02,351.00,,,,NM
base1-4,Holofoil,cardmarket,EUR,2025-10-01,300.10,280,,,
base1-4,Holofoil,ebay,USD,2025-10-01,1,,,,
base1-4,Holofoil,tcgplayer,USD,,1,,,,
nope-1,Normal,tcgplayer,USD,2025-10-01,1,,,,
base1-4,Shiny,tcgplayer,USD,2025-10-01,1,,,,
base1-4,Holofoil,tcgplayer,USD,2025-10-03,,,,,
base1-4,Holofoil,tcgplayer,USD,2025-10-03,abc,,,,
base1-4,Holofoil,tcgplayer,GBP,2025-10-03,1,,,,
base1-4,Holofoil,tcgplayer,USD,2025-10-03,1
"base1-4","Holofoil","tcgplayer","USD","2025-10-04","352.50","","","","lp"
,Holofoil,tcgplayer,USD,2025-10-04,1,,,,
base1-4,Holofoil,tcgplayer,USD,2025-10-40,1,,,,
`;

const HISTORY = `set,type,period,name,period_start_date,period_end_date,timestamp,holofoil_price,volume
SV01,Booster Box,3M,Base Set,,,2025-09-09 06:00:00,0.0,0
SV01,Booster Box,3M,Base Set,2025-12-26,2025-12-28,2025-12-28 06:10:00,100.50,4
SV01,Booster Box,3M,Base Set,2025-12-29,2025-12-31,2025-12-31 06:10:00,101.00,2
SV01,Booster Box,3M,Base Set,2026-12-29,2026-12-31,2026-01-02 06:10:00,101.20,2
SV01,Booster Box,3M,Base Set,2026-12-30,2027-01-01,2026-01-02 06:10:00,102.00,5
SV01,Booster Box,3M,Base Set,2027-01-05,2027-01-07,2026-01-02 06:10:00,103.00,1
SV01,Booster Box,3M,Base Set,2026-06-01,2026-06-03,2026-01-02 06:10:00,99.00,1
SV01,Booster Box,3M,Base Set,2025-12-20,2025-12-22,2025-12-22 06:10:00,0.0,0
SV01,Card,3M,Gardevoir ex 245,2025-12-26,2025-12-28,2025-12-28 06:10:00,80.25,3
SV01,Card,3M,Gardevoir ex 245,2025-12-26,2025-12-28,2025-12-30 06:10:00,81.00,3
SV01,Card,3M,Gardevoir ex 999,2025-12-26,2025-12-28,2025-12-28 06:10:00,5.00,1
SV01,Card,3M,Pikachu 245,2025-12-26,2025-12-28,2025-12-28 06:10:00,5.00,1
ZZ99,Booster Box,3M,Nowhere,2025-12-26,2025-12-28,2025-12-28 06:10:00,50.00,1
SV01,Booster Box,3M,Base Set,2025-12-26,2025-12-28
SV01,Booster Box,3M,Base Set,2025-02-27,2025-02-30,2025-03-01 06:10:00,90,1
SV03.5,Elite Trainer Box,3M,"151, Pokémon Center",2025-12-26,2025-12-28,2025-12-28 06:10:00,120.00,2
SV03.5,Elite Trainer Box,3M,"151, Pokémon Center",2025-12-29,2025-12-31,not a time,1,1
BS,Booster Box,3M,Base Box A,2025-12-26,2025-12-28,2025-12-28 06:10:00,300,1
BS,Booster Box,3M,Base Box B,2025-12-26,2025-12-28,2025-12-28 06:10:00,310,1
BS,Theme Deck,3M,Overgrowth,2025-12-26,2025-12-28,2025-12-28 06:10:00,45.5,1
`;

describe('wrong-year repair rule', () => {
  const trusted = new Set(['2025-12-28', '2025-12-31']);
  it('moves a bucket back one year when it then ends by the scrape date next to a trusted bucket', () => {
    expect(repairYear('2027-01-01', '2026-01-02', trusted)).toBe('2026-01-01');
    expect(repairYear('2026-12-31', '2026-01-02', trusted)).toBe('2025-12-31');
  });
  it('refuses a repair that still ends after the scrape, or lands away from every neighbour', () => {
    expect(repairYear('2027-01-07', '2026-01-02', trusted)).toBeNull();
    expect(repairYear('2026-06-03', '2026-01-02', trusted)).toBeNull();
    expect(repairYear('2028-02-29', '2027-03-10', new Set(['2027-02-28']))).toBeNull();
  });
  it('slugs product types', () => {
    expect(slug(' Elite Trainer Box ')).toBe('elite-trainer-box');
    expect(slug('Pokémon Center ETB')).toBe('pokemon-center-etb');
  });
});

async function seedCatalog(ctx: IngestContext, sets: SetInput[], cards: CardInput[]): Promise<void> {
  const now = ctx.runs.nowIso();
  await catalogWriter(ctx).upsertSets(sets, now);
  await catalogWriter(ctx).upsertCards(cards, now);
}

const storedPrices = (ctx: IngestContext) =>
  ctx.database.db
    .selectFrom('prices')
    .innerJoin('printings', 'printings.key', 'prices.printing_key')
    .select([
      'printings.card_id',
      'printings.finish',
      'prices.market',
      'prices.condition',
      'prices.currency',
      'prices.date',
      'market_cents',
      'low_cents',
      'mid_cents',
      'high_cents',
      'source_as_of',
    ])
    .orderBy('printings.card_id')
    .orderBy('prices.market')
    .orderBy('prices.date')
    .execute();

describe.each(dialects)('history CSV import on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url: string;
    let ctx: IngestContext & { close(): Promise<void> };
    let dir: string;
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cardquant-history-'));
      url = await d.create();
      ctx = await ingestContext(url, '2026-02-01T00:00:00.000Z');
      await seedCatalog(
        ctx,
        [
          { id: 'base1', name: 'Base', ptcgoCode: 'BS' },
          { id: 'sv1', name: 'Scarlet & Violet', ptcgoCode: 'SVI' },
          { id: 'sv3pt5', name: '151', ptcgoCode: 'MEW', tcgdexSetId: 'sv03.5' },
        ],
        [
          { id: 'base1-4', setId: 'base1', number: '4', name: 'Charizard' },
          { id: 'sv1-245', setId: 'sv1', number: '245', name: 'Gardevoir ex' },
        ],
      );
    });
    afterAll(async () => {
      await ctx.close();
      await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });

    it('generic layout: stores valid rows and accounts for every row by reason', async () => {
      const run = await importHistoryCsv(ctx, { path: file('generic.csv', GENERIC) });
      expect(run).toMatchObject({
        format: 'generic',
        status: 'succeeded',
        rows_read: 14,
        accepted: 4,
        updated: 0,
        unchanged: 0,
        rejected: 10,
      });
      expect(run.rejected_by_reason).toEqual({
        unknown_market: 1,
        missing_date: 1,
        card_not_in_catalog: 1,
        unknown_finish: 1,
        all_prices_null: 1,
        not_a_number: 1,
        unknown_currency: 1,
        malformed_row: 2,
        impossible_date: 1,
      });
      const base = (market: string, condition: string, currency: string, date: string) => ({
        card_id: 'base1-4',
        finish: 'holofoil',
        market,
        condition,
        currency,
        date,
        source_as_of: null,
      });
      expect(await storedPrices(ctx)).toEqual([
        {
          ...base('cardmarket', 'NM', 'EUR', '2025-10-01'),
          market_cents: 30010,
          low_cents: 28000,
          mid_cents: null,
          high_cents: null,
        },
        {
          ...base('tcgplayer', 'NM', 'USD', '2025-10-01'),
          market_cents: 35025,
          low_cents: 30000,
          mid_cents: 38050,
          high_cents: null,
        },
        {
          ...base('tcgplayer', 'NM', 'USD', '2025-10-02'),
          market_cents: 35100,
          low_cents: null,
          mid_cents: null,
          high_cents: null,
        },
        {
          ...base('tcgplayer', 'LP', 'USD', '2025-10-04'),
          market_cents: 35250,
          low_cents: null,
          mid_cents: null,
          high_cents: null,
        },
      ]);
      const again = await importHistoryCsv(ctx, {
        path: file('generic.csv', GENERIC.replace('2025-10-02,351.00', '2025-10-02,351.10')),
      });
      expect(again).toMatchObject({ rows_read: 14, accepted: 0, updated: 1, unchanged: 3, rejected: 10 });
    });

    it('generic layout: an unknown header fails the run and names the columns', async () => {
      const run = await importHistoryCsv(ctx, {
        path: file(
          'bad.csv',
          'card_id,finish,market,currency,date,market_prce\nbase1-4,Holofoil,tcgplayer,USD,2025-10-05,1\n',
        ),
      });
      expect(run).toMatchObject({ status: 'failed', rows_read: 0 });
      expect(run.error).toContain('market_prce');
      const row = await ctx.database.db
        .selectFrom('ingestion_runs')
        .select(['status', 'importer', 'feed'])
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'failed', importer: 'csv', feed: 'history-csv' });
    });

    it('TCGplayer history layout: repairs wrong years, maps sealed products and cards, counts every row', async () => {
      await ctx.database.db.deleteFrom('prices').execute();
      const run = await importHistoryCsv(ctx, { path: file('output.csv', HISTORY) });
      expect(run).toMatchObject({
        format: 'tcgplayer-history',
        status: 'succeeded',
        rows_read: 20,
        accepted: 6,
        updated: 0,
        unchanged: 0,
        rejected: 14,
      });
      expect(run).toMatchObject({ repaired_dates: 2, sealed_created: 3 });
      expect(run.rejected_by_reason).toEqual({
        missing_date: 1,
        malformed_row: 2,
        impossible_date: 3,
        all_prices_null: 1,
        duplicate_row: 2,
        card_not_in_catalog: 1,
        card_name_mismatch: 1,
        unknown_set: 1,
        ambiguous_sealed_product: 2,
      });
      const row = (card_id: string, finish: string, date: string, market_cents: number, source_as_of: string) => ({
        card_id,
        finish,
        market: 'tcgplayer',
        condition: 'NM',
        currency: 'USD',
        date,
        market_cents,
        low_cents: null,
        mid_cents: null,
        high_cents: null,
        source_as_of,
      });
      expect(await storedPrices(ctx)).toEqual([
        row('sealed-base1-theme-deck', 'normal', '2025-12-28', 4550, '2025-12-28T06:10:00Z'),
        row('sealed-sv1-booster-box', 'normal', '2025-12-28', 10050, '2025-12-28T06:10:00Z'),
        row('sealed-sv1-booster-box', 'normal', '2025-12-31', 10100, '2025-12-31T06:10:00Z'),
        row('sealed-sv1-booster-box', 'normal', '2026-01-01', 10200, '2026-01-02T06:10:00Z'),
        row('sealed-sv3pt5-elite-trainer-box', 'normal', '2025-12-28', 12000, '2025-12-28T06:10:00Z'),
        row('sv1-245', 'holofoil', '2025-12-28', 8100, '2025-12-30T06:10:00Z'),
      ]);
      const sealed = await ctx.database.db
        .selectFrom('cards')
        .select(['id', 'set_id', 'name', 'kind'])
        .where('kind', '=', 'sealed')
        .orderBy('id')
        .execute();
      expect(sealed).toEqual([
        { id: 'sealed-base1-theme-deck', set_id: 'base1', name: 'Base Theme Deck', kind: 'sealed' },
        { id: 'sealed-sv1-booster-box', set_id: 'sv1', name: 'Scarlet & Violet Booster Box', kind: 'sealed' },
        { id: 'sealed-sv3pt5-elite-trainer-box', set_id: 'sv3pt5', name: '151 Elite Trainer Box', kind: 'sealed' },
      ]);

      const again = await importHistoryCsv(ctx, { path: file('output.csv', HISTORY) });
      expect(again).toMatchObject({
        rows_read: 20,
        accepted: 0,
        updated: 0,
        unchanged: 6,
        rejected: 14,
        sealed_created: 0,
      });
    });
  });
});

interface PtcgSet {
  id: string;
  name: string;
  series: string;
  ptcgoCode?: string;
  releaseDate: string;
}
interface PtcgCard {
  id: string;
  number: string;
  name: string;
  supertype: string;
}

describe.each(dialects)('real TCGplayer history file on $name', (d) => {
  describe.skipIf(d.skip !== null || sharedMissing !== null)(sharedMissing ?? label(d), () => {
    let url: string;
    let ctx: IngestContext & { close(): Promise<void> };
    beforeAll(async () => {
      url = await d.create();
      ctx = await ingestContext(url, '2026-11-25T00:00:00.000Z');
      const sets = JSON.parse(readFileSync(new URL('sets/en.json', CATALOG), 'utf8')) as PtcgSet[];
      const modern = new Set(
        readdirSync(new URL('cards/en/', CATALOG))
          .map((f) => f.replace(/\.json$/, ''))
          .filter((id) => /^(sv|swsh)\d+(pt5)?$/.test(id)),
      );
      const cards = [...modern].flatMap((setId) =>
        (JSON.parse(readFileSync(new URL(`cards/en/${setId}.json`, CATALOG), 'utf8')) as PtcgCard[]).map((c) => ({
          id: c.id,
          setId,
          number: c.number,
          name: c.name,
          supertype: c.supertype,
        })),
      );
      await seedCatalog(
        ctx,
        sets.map((s) => ({
          id: s.id,
          name: s.name,
          era: s.series,
          ptcgoCode: s.ptcgoCode ?? null,
          releaseDate: /^\d{4}\/\d{2}\/\d{2}$/.test(s.releaseDate) ? s.releaseDate.replace(/\//g, '-') : null,
        })),
        cards,
      );
    }, 120_000);
    afterAll(async () => {
      await ctx?.close();
      if (url) await d.drop(url);
    });

    it('accounts for every row, repairs the wrong years and stores no bucket after its scrape', async () => {
      const rows = parse(readFileSync(OUTPUT_CSV), { columns: true, bom: true }) as Record<string, string>[];
      const wrongYear = rows.filter(
        (r) => r.period_end_date !== '' && r.period_end_date! > r.timestamp!.slice(0, 10),
      ).length;
      const undated = rows.filter((r) => r.period_end_date === '' || r.period_start_date === '').length;
      // Celebrations is `SWSH07.5` there, but `cel25` in TCGdex and pokemontcg.io: no rule may guess it.
      const celebrations = rows.filter((r) => r.set === 'SWSH07.5');
      const sealedItems = new Set(
        rows.filter((r) => r.type !== 'Card' && r.set !== 'SWSH07.5').map((r) => `${r.set}|${r.type}`),
      ).size;

      const run = await importHistoryCsv(ctx, { path: OUTPUT_CSV.pathname });
      expect(run.status).toBe('succeeded');
      expect(run.rows_read).toBe(rows.length);
      expect(run.rows_read).toBe(run.accepted + run.updated + run.unchanged + run.rejected);
      expect(run.repaired_dates).toBeGreaterThan(0);
      expect(run.repaired_dates + (run.rejected_by_reason.impossible_date ?? 0)).toBe(wrongYear);
      expect(run.rejected_by_reason.missing_date).toBe(undated);
      expect(celebrations.length).toBeGreaterThan(0);
      expect(run.rejected_by_reason.unknown_set).toBe(
        celebrations.filter((r) => r.period_end_date !== '' && Number(r.holofoil_price) !== 0).length,
      );
      expect(run.rejected_by_reason.card_not_in_catalog).toBeUndefined();
      expect(run.sealed_created).toBe(sealedItems);

      const stored = await ctx.database.db.selectFrom('prices').select(['date', 'source_as_of']).execute();
      expect(stored.length).toBe(run.accepted);
      const afterScrape = stored.filter((p) => p.date > p.source_as_of!.slice(0, 10));
      expect(afterScrape).toEqual([]);
    }, 120_000);
  });
});
