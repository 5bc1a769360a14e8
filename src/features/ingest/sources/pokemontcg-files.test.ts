import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestContext } from '#test/ingest-harness.ts';
import { toCents } from '../../prices/price-rules.ts';
import type { IngestContext } from '../context.ts';
import { importPokemontcgFilesCatalog, importPokemontcgFilesPrices } from './pokemontcg-files.ts';

const SHARED = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));
const SHARED_CATALOG = join(SHARED, 'pokemontcg-data');
const SHARED_PAGE = join(SHARED, 'pokemontcg-api', 'cards_venusaur-snivy_2023-08.json');

// --- A small pokemontcg-data layout, written at test time (invented cards, real field names) ---

const setObj = (id: string, name: string, releaseDate: string) => ({
  id,
  name,
  series: 'Fixture',
  printedTotal: 4,
  total: 4,
  legalities: { unlimited: 'Legal' },
  releaseDate,
  updatedAt: '2024/01/01 00:00:00',
  images: {
    symbol: `https://images.pokemontcg.io/${id}/symbol.png`,
    logo: `https://images.pokemontcg.io/${id}/logo.png`,
  },
});

const cardObj = (setId: string, n: number, extra: Record<string, unknown> = {}) => ({
  id: `${setId}-${n}`,
  name: `Fixturemon ${n}`,
  supertype: 'Pokémon',
  subtypes: ['Basic'],
  hp: '50',
  types: ['Water'],
  number: String(n),
  artist: 'Fixture Artist',
  rarity: 'Common',
  legalities: { unlimited: 'Legal' },
  images: {
    small: `https://images.pokemontcg.io/${setId}/${n}.png`,
    large: `https://images.pokemontcg.io/${setId}/${n}_hires.png`,
  },
  ...extra,
});

function writeLayout(dir: string): void {
  mkdirSync(join(dir, 'sets'), { recursive: true });
  mkdirSync(join(dir, 'cards', 'en'), { recursive: true });
  const w = (path: string, body: unknown) =>
    writeFileSync(join(dir, path), typeof body === 'string' ? body : JSON.stringify(body, null, 2));
  w('sets/en.json', [
    setObj('fx1', 'Fixture One', '2024/02/02'),
    setObj('fx2', 'Fixture Two', '2024/03/03'),
    setObj('fx3', 'Fixture Three', '---'),
  ]);
  w('cards/en/fx1.json', [
    cardObj('fx1', 1, {
      tcgplayer: {
        url: 'https://prices.pokemontcg.io/tcgplayer/fx1-1',
        updatedAt: '2025/10/20',
        prices: { normal: { low: 0.04, mid: 0.21, high: 2.5, market: 0.19, directLow: null } },
      },
      cardmarket: {
        url: 'https://prices.pokemontcg.io/cardmarket/fx1-1',
        updatedAt: '2025/10/20',
        prices: {
          averageSellPrice: 0.12,
          lowPrice: 0.02,
          trendPrice: 0.1,
          reverseHoloTrend: 0,
          avg1: 0.09,
          avg7: 0.11,
          avg30: 0.13,
        },
      },
    }),
    cardObj('fx1', 2, { hp: 120 }),
    cardObj('fx1', 3, { supertype: 'Trainer', subtypes: ['Supporter'], hp: undefined, types: undefined }),
    cardObj('fx1', 4, { name: undefined }),
  ]);
  w('cards/en/fx2.json', '[{"id": "fx2-1", "name": "Cut');
  w('cards/en/fx3.json', { data: [] });
  w('cards/en/orphan.json', [cardObj('orphan', 1), cardObj('orphan', 2)]);
  w('notes.txt', 'not part of the layout');
}

const apiPage = {
  data: [
    {
      ...cardObj('api1', 7, { rarity: 'Rare Holo' }),
      set: { ...setObj('api1', 'Api One', '2023/05/05'), ptcgoCode: 'AP1' },
      tcgplayer: {
        updatedAt: '2025/10/18',
        prices: { holofoil: { low: 9.5, mid: 12, high: 30, market: 11.25, directLow: 10 } },
      },
      cardmarket: {
        updatedAt: '2025/10/19',
        prices: { averageSellPrice: 8.4, lowPrice: 5, trendPrice: 9.1, avg1: 0, avg7: 8.8, avg30: 9 },
      },
    },
  ],
  page: 1,
  pageSize: 250,
  count: 1,
  totalCount: 1,
};

describe.each(dialects)('pokemontcg-data files import on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url: string;
    let dir: string;
    let ctx: IngestContext & { close(): Promise<void> };
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cardquant-ptcg-'));
      writeLayout(dir);
      url = await d.create();
      ctx = await ingestContext(url);
    });
    afterAll(async () => {
      await ctx.close();
      await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });

    it('imports set by set, recording unreadable files and rejecting cards of unlisted sets', async () => {
      const run = await importPokemontcgFilesCatalog(ctx, { path: dir });
      expect(run).toMatchObject({
        status: 'partial',
        rows_read: 9,
        accepted: 6,
        updated: 0,
        unchanged: 0,
        rejected: 3,
      });
      expect(run.rejected_by_reason).toEqual({ malformed_row: 1, unknown_set: 2 });
      expect(run.failures.map((f) => f.item)).toEqual(['cards/en/fx2.json', 'cards/en/fx3.json']);
      expect(run.failures[0]!.error).toMatch(/not valid JSON/);
      expect(run.failures[1]!.error).toMatch(/not an array/);
      const cards = await ctx.database.db
        .selectFrom('cards')
        .select(['id', 'set_id', 'hp', 'images'])
        .orderBy('id')
        .execute();
      expect(cards.map((c) => [c.id, c.set_id, c.hp])).toEqual([
        ['fx1-1', 'fx1', '50'],
        ['fx1-2', 'fx1', '120'],
        ['fx1-3', 'fx1', null],
      ]);
      expect(JSON.parse(cards[0]!.images!)).toEqual({
        pokemontcg: {
          small: 'https://images.pokemontcg.io/fx1/1.png',
          large: 'https://images.pokemontcg.io/fx1/1_hires.png',
        },
      });
      const sets = await ctx.database.db.selectFrom('sets').select(['id', 'release_date']).orderBy('id').execute();
      expect(sets).toEqual([
        { id: 'fx1', release_date: '2024-02-02' },
        { id: 'fx2', release_date: '2024-03-03' },
        { id: 'fx3', release_date: null },
      ]);
    });

    it('a second import changes nothing', async () => {
      const run = await importPokemontcgFilesCatalog(ctx, { path: dir });
      expect(run).toMatchObject({ rows_read: 9, accepted: 0, updated: 0, unchanged: 6, rejected: 3 });
    });

    it('fails the run when sets/en.json is missing', async () => {
      const run = await importPokemontcgFilesCatalog(ctx, { path: join(dir, 'cards') });
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/en\.json/);
    });

    it('imports prices carried by card files and archives those files', async () => {
      const run = await importPokemontcgFilesPrices(ctx, { path: dir });
      expect(run).toMatchObject({ status: 'partial', rows_read: 2, accepted: 2, rejected: 0 });
      const names: string[] = [];
      for await (const p of ctx.runs.payloads(run.id)) names.push(p.name);
      expect(names).toEqual(['cards/en/fx1.json']);
      const rows = await ctx.database.db
        .selectFrom('prices')
        .innerJoin('printings', 'printings.key', 'prices.printing_key')
        .select(['printings.id', 'market', 'currency', 'market_cents', 'low_cents', 'trend_cents', 'avg30_cents'])
        .orderBy('market')
        .execute();
      expect(rows).toEqual([
        {
          id: 'fx1-1.normal',
          market: 'cardmarket',
          currency: 'EUR',
          market_cents: 12,
          low_cents: 2,
          trend_cents: 10,
          avg30_cents: 13,
        },
        {
          id: 'fx1-1.normal',
          market: 'tcgplayer',
          currency: 'USD',
          market_cents: 19,
          low_cents: 4,
          trend_cents: null,
          avg30_cents: null,
        },
      ]);
    });

    it('imports prices from one saved /v2/cards response, cataloguing its set and card', async () => {
      const file = join(dir, 'cards_page.json');
      writeFileSync(file, JSON.stringify(apiPage));
      const run = await importPokemontcgFilesPrices(ctx, { path: file });
      expect(run).toMatchObject({ status: 'succeeded', rows_read: 2, accepted: 2, rejected: 0 });
      const card = await ctx.database.db
        .selectFrom('cards')
        .select(['set_id', 'rarity'])
        .where('id', '=', 'api1-7')
        .executeTakeFirstOrThrow();
      expect(card).toEqual({ set_id: 'api1', rarity: 'Rare Holo' });
      const cm = await ctx.database.db
        .selectFrom('prices')
        .innerJoin('printings', 'printings.key', 'prices.printing_key')
        .select(['printings.id', 'date', 'market_cents', 'trend_cents', 'avg1_cents', 'avg7_cents'])
        .where('market', '=', 'cardmarket')
        .where('printings.card_id', '=', 'api1-7')
        .executeTakeFirstOrThrow();
      expect(cm).toEqual({
        id: 'api1-7.holofoil',
        date: '2025-10-19',
        market_cents: 840,
        trend_cents: 910,
        avg1_cents: null,
        avg7_cents: 880,
      });
      writeFileSync(file, JSON.stringify({ cards: [] }));
      const bad = await importPokemontcgFilesPrices(ctx, { path: file });
      expect(bad).toMatchObject({ status: 'failed', rows_read: 0 });
      expect(bad.error).toMatch(/no data array/);
    });
  });
});

const sharedLabel = (what: string, path: string) =>
  existsSync(path) ? `${what} on sqlite` : `${what} (skipped: ../shared/data absent)`;

describe.skipIf(!existsSync(SHARED_CATALOG))(sharedLabel('shared pokemontcg-data catalogue', SHARED_CATALOG), () => {
  let ctx: IngestContext & { close(): Promise<void> };
  beforeAll(async () => {
    ctx = await ingestContext('sqlite::memory:');
  });
  afterAll(() => ctx.close());

  it('imports 172 sets and 20,106 cards, and a second import changes nothing', { timeout: 120_000 }, async () => {
    const first = await importPokemontcgFilesCatalog(ctx, { path: SHARED_CATALOG });
    expect(first).toMatchObject({ status: 'succeeded', rejected: 0, failures: [] });
    // Rows of a catalogue run are sets plus cards.
    expect(first.accepted).toBe(172 + 20_106);
    const db = ctx.database.db;
    expect(
      (
        await db
          .selectFrom('sets')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ).toBe(172);
    expect(
      (
        await db
          .selectFrom('cards')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ).toBe(20_106);
    const charizard = await db
      .selectFrom('cards')
      .select(['name', 'rarity', 'set_id', 'number'])
      .where('id', '=', 'base1-4')
      .executeTakeFirstOrThrow();
    expect(charizard).toEqual({ name: 'Charizard', rarity: 'Rare Holo', set_id: 'base1', number: '4' });

    const second = await importPokemontcgFilesCatalog(ctx, { path: SHARED_CATALOG });
    expect(second).toMatchObject({
      status: 'succeeded',
      accepted: 0,
      updated: 0,
      rejected: 0,
      unchanged: 172 + 20_106,
    });
  });

  it('reads 0 price rows from the catalogue, which carries no prices, and so fails', { timeout: 60_000 }, async () => {
    const run = await importPokemontcgFilesPrices(ctx, { path: SHARED_CATALOG });
    expect(run).toMatchObject({ status: 'failed', rows_read: 0 });
    expect(run.error).toMatch(/^no tcgplayer or cardmarket prices in the card files under /);
  });
});

describe.skipIf(!existsSync(SHARED_PAGE))(sharedLabel('shared /v2/cards page with prices', SHARED_PAGE), () => {
  it('imports every observation and stores the file’s prices exactly', async () => {
    const ctx = await ingestContext('sqlite::memory:');
    try {
      const run = await importPokemontcgFilesPrices(ctx, { path: SHARED_PAGE });
      // 4 cards × (tcgplayer holofoil + cardmarket main); their reverseHolo* fields make no row,
      // since none of these cards has a reverse holo printing on TCGplayer.
      expect(run).toMatchObject({ status: 'succeeded', rows_read: 8 });
      expect(run.accepted + run.updated + run.unchanged + run.rejected).toBe(run.rows_read);
      const page = JSON.parse(readFileSync(SHARED_PAGE, 'utf8')) as {
        data: { id: string; tcgplayer: { prices: { holofoil: { market: number; low: number } } } }[];
      };
      const sample = page.data.find((c) => c.id === 'sm12-1')!.tcgplayer.prices.holofoil;
      const stored = await ctx.database.db
        .selectFrom('prices')
        .innerJoin('printings', 'printings.key', 'prices.printing_key')
        .select(['market_cents', 'low_cents', 'date'])
        .where('printings.id', '=', 'sm12-1.holofoil')
        .where('market', '=', 'tcgplayer')
        .executeTakeFirstOrThrow();
      expect(stored).toEqual({
        market_cents: toCents(sample.market),
        low_cents: toCents(sample.low),
        date: '2023-08-21',
      });
      const again = await importPokemontcgFilesPrices(ctx, { path: SHARED_PAGE });
      expect(again).toMatchObject({ accepted: 0, unchanged: run.accepted });
    } finally {
      await ctx.close();
    }
  });
});
