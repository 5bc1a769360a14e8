/**
 * A card's price comes from its own product (docs/METHODS.md, "Headline printing"): a card that
 * TCGplayer also sells as reprint products in other groups (a Jumbo card, a World Championship
 * Deck card) shows its set product's price in lists, search, sort=price and on its page, whatever
 * order the groups are imported in; the reprints stay visible as printings labelled with their
 * product line, and a Base Set Shadowless product is labelled Shadowless, not "unlimited".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProductMap } from '../src/features/catalog/product-map.ts';
import { catalogWriter, priceImporter, withRun, type IngestContext } from '../src/features/ingest/context.ts';
import { importTcgcsvPrices } from '../src/features/ingest/sources/tcgcsv.ts';
import { importTcgcsvFiles } from '../src/features/ingest/sources/tcgcsv-files.ts';
import { deriveReadModels } from '../src/features/market/derive.ts';
import { deriveLatestPrices } from '../src/features/prices/derive-latest.ts';
import type { PriceObservation } from '../src/features/prices/price-importer.ts';
import { createLogger } from '../src/platform/log.ts';
import { dialects, label } from './dialects.ts';
import { startHarness, type Harness } from './harness.ts';
import { ingestDatabase } from './ingest-harness.ts';
import {
  BASE_GROUP,
  JUMBO_GROUP,
  JUMBO_PRODUCT,
  OWN_PRODUCT,
  REPRINT_CROSSWALK,
  REPRINT_PRICES,
  SET_GROUP,
  SHADOWLESS_CHARIZARD,
  SHADOWLESS_GROUP,
  WCD_GROUP,
  WCD_PRODUCT,
  reprintFetch,
  seedReprintCatalog,
} from './reprint-fixtures.ts';
import { writePriceTree } from './tcgcsv-fixtures.ts';

type Json = Record<string, any>;
const DATE = '2025-10-20';
const NOW_ISO = '2025-10-21T02:00:00.000Z';

const ORDERS = {
  'reprint groups first': [
    [JUMBO_GROUP, WCD_GROUP, SHADOWLESS_GROUP],
    [SET_GROUP, BASE_GROUP],
  ],
  'set groups first': [
    [SET_GROUP, BASE_GROUP],
    [WCD_GROUP, JUMBO_GROUP, SHADOWLESS_GROUP],
  ],
} as const;

let tmp: string;
let crosswalk: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cardquant-reprints-'));
  crosswalk = join(tmp, 'tcgplayer_to_pokemontcg.csv');
  writeFileSync(crosswalk, REPRINT_CROSSWALK);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What every order and path must agree on. */
function checkHeadline(get: (path: string) => Promise<Json>) {
  it('lists, search and sort=price show the set product’s price, not the Jumbo’s or the WCD’s', async () => {
    for (const path of [
      '/v1/cards?set=sv3&sort=price',
      '/v1/cards?q=charizard&sort=price',
      '/v1/cards?sort=price&order=desc',
    ]) {
      const body = await get(path);
      const card = (body.items as Json[]).find((i) => i.id === 'sv3-125');
      expect(card, path).toMatchObject({
        price: 4.01,
        currency: 'USD',
        headline: { printing_id: 'sv3-125.holofoil', finish: 'holofoil' },
      });
    }
    const byPrice = (await get('/v1/cards?sort=price&order=desc')).items.map((i: Json) => i.id);
    expect(byPrice.slice(0, 3)).toEqual(['base1-4', 'sv3-125', 'sv3-1']);
  });

  it('the card page keeps the reprints as their own printings, labelled with their product line', async () => {
    const card = await get('/v1/cards/sv3-125');
    expect(card.headline_printing_id).toBe('sv3-125.holofoil');
    const printings = card.printings as Json[];
    expect(printings).toHaveLength(3);
    const byProduct = new Map<number, Json>(printings.map((p) => [p.tcgplayer_product_id, p]));
    expect(byProduct.get(OWN_PRODUCT)).toMatchObject({
      id: 'sv3-125.holofoil',
      tcgplayer_group_id: SET_GROUP,
      product_line: null,
      product_line_label: null,
      label: 'Holofoil',
    });
    expect(byProduct.get(OWN_PRODUCT)!.prices[0]).toMatchObject({ price: 4.01, headline: true });
    // A reprint's printing names its product, so it can never hold the plain `{card}.{finish}` id.
    expect(byProduct.get(JUMBO_PRODUCT)).toMatchObject({
      id: `sv3-125.holofoil.${JUMBO_PRODUCT}`,
      tcgplayer_group_id: JUMBO_GROUP,
    });
    expect(byProduct.get(JUMBO_PRODUCT)!.prices[0]).toMatchObject({ price: 42.98, headline: false });
    expect(byProduct.get(WCD_PRODUCT)).toMatchObject({
      id: `sv3-125.holofoil.${WCD_PRODUCT}`,
      tcgplayer_group_id: WCD_GROUP,
    });
    expect(byProduct.get(WCD_PRODUCT)!.prices[0]).toMatchObject({ price: 0.25, headline: false });
  });

  it('the Base Set card shows its own (unlimited) product; the Shadowless product is not called unlimited', async () => {
    const card = await get('/v1/cards/base1-4');
    expect(card.headline_printing_id).toBe('base1-4.holofoil');
    const shadowless = (card.printings as Json[]).filter((p) => p.tcgplayer_product_id === SHADOWLESS_CHARIZARD);
    expect(shadowless.map((p) => p.tcgplayer_group_id)).toEqual([SHADOWLESS_GROUP, SHADOWLESS_GROUP]);
    for (const p of shadowless) expect(p.id).toMatch(new RegExp(`\\.${SHADOWLESS_CHARIZARD}$`));
    const list = (await get('/v1/cards?set=base1')).items[0];
    expect(list).toMatchObject({ id: 'base1-4', price: 457.99 });
  });
}

describe.each(dialects)('headline printing from the set’s own product on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    for (const [order, runs] of Object.entries(ORDERS)) {
      describe(`live TCGCSV, ${order}`, () => {
        let url = '';
        let h: Harness;
        const get = async (path: string) => {
          const res = await h.request(path);
          expect(res.status, path).toBe(200);
          return (await res.json()) as Json;
        };
        beforeAll(async () => {
          url = await d.create();
          h = await startHarness(url);
          const ctx = h.runtime.ingest;
          await seedReprintCatalog(ctx, NOW_ISO);
          for (const groups of runs) {
            const run = await importTcgcsvPrices(ctx, {
              fetch: reprintFetch(),
              baseUrl: 'http://tcgcsv.test',
              date: DATE,
              groups: [...groups],
              map: crosswalk,
              retries: 0,
            });
            expect(run.status).toBe('succeeded');
          }
          await deriveReadModels(ctx.database, ctx.clock);
        });
        afterAll(async () => {
          await h?.close();
          await d.drop(url);
        });

        checkHeadline(get);

        it('labels each reprint with the product line its group’s name says', async () => {
          const card = await get('/v1/cards/sv3-125');
          const byProduct = new Map((card.printings as Json[]).map((p) => [p.tcgplayer_product_id, p]));
          expect(byProduct.get(JUMBO_PRODUCT)).toMatchObject({
            product_line: 'jumbo',
            product_line_label: 'Jumbo',
            label: 'Holofoil (Jumbo)',
          });
          expect(byProduct.get(WCD_PRODUCT)).toMatchObject({
            product_line: 'world-championship-deck',
            product_line_label: 'World Championship Deck',
            label: 'Holofoil (World Championship Deck)',
          });
          const base = await get('/v1/cards/base1-4');
          const labels = Object.fromEntries(
            (base.printings as Json[]).map((p) => [p.tcgplayer_sub_type, [p.product_line, p.label]]),
          );
          expect(labels).toEqual({
            Holofoil: [null, 'Holofoil'],
            'Unlimited Holofoil': ['shadowless', 'Shadowless Holofoil'],
            '1st Edition Holofoil': ['shadowless', '1st Edition Holofoil'],
          });
        });

        it('a card priced only as a reprint shows that price, labelled with its product line', async () => {
          const item = (await get('/v1/cards?set=sv3&sort=price&order=asc')).items[0];
          expect(item).toMatchObject({
            id: 'sv3-200',
            price: 0.01,
            headline: { printing_id: 'sv3-200.holofoil.581999', product_line: 'jumbo', label: 'Holofoil (Jumbo)' },
          });
          const own = (await get('/v1/cards?set=sv3&sort=price')).items[0];
          expect(own).toMatchObject({ id: 'sv3-125', headline: { product_line: null, label: 'Holofoil' } });
        });

        it('price history defaults to the set product and names a reprint’s product line when asked for it', async () => {
          const own = await get('/v1/cards/sv3-125/history');
          expect(own.printing).toMatchObject({
            id: 'sv3-125.holofoil',
            tcgplayer_group_id: SET_GROUP,
            product_line: null,
            label: 'Holofoil',
          });
          const jumbo = await get(`/v1/cards/sv3-125/history?printing=sv3-125.holofoil.${JUMBO_PRODUCT}`);
          expect(jumbo.printing).toMatchObject({
            tcgplayer_group_id: JUMBO_GROUP,
            product_line: 'jumbo',
            product_line_label: 'Jumbo',
            label: 'Holofoil (Jumbo)',
          });
        });

        it('movers name the product line of a printing too', async () => {
          const rows = await h.runtime.database.db
            .selectFrom('latest_prices')
            .select(['ref'])
            .where('card_id', '=', 'sv3-125')
            .execute();
          const refs = rows.map((r) => JSON.parse(r.ref!) as Json);
          expect(refs.map((r) => r.printing.product_line).sort()).toEqual(
            ['jumbo', 'world-championship-deck', null].sort(),
          );
        });
      });
    }

    for (const [order, runs] of Object.entries(ORDERS)) {
      describe(`TCGCSV price files, ${order}`, () => {
        let url = '';
        let h: Harness;
        let warnings = 0;
        const get = async (path: string) => {
          const res = await h.request(path);
          expect(res.status, path).toBe(200);
          return (await res.json()) as Json;
        };
        beforeAll(async () => {
          url = await d.create();
          h = await startHarness(url);
          const ctx = h.runtime.ingest;
          await seedReprintCatalog(ctx, NOW_ISO);
          for (const [i, groups] of runs.entries()) {
            const root = join(tmp, `${d.name}-${order.replace(/\W+/g, '-')}-${i}`);
            writePriceTree(root, { [DATE]: Object.fromEntries(groups.map((g) => [g, REPRINT_PRICES[g]!])) });
            const run = await importTcgcsvFiles(ctx, { path: root, map: crosswalk });
            expect(run.status).toBe('succeeded');
          }
          warnings = (await deriveReadModels(ctx.database, ctx.clock)).group_warnings;
        });
        afterAll(async () => {
          await h?.close();
          await d.drop(url);
        });

        checkHeadline(get);

        it('records the group each product’s prices arrive from, and warns where the cross-walk names another', async () => {
          const card = await get('/v1/cards/sv3-125');
          const lines = (card.printings as Json[]).map((p) => p.product_line);
          // Without TCGCSV's group names the reprints are known to be other products, not which kind.
          expect(lines.sort()).toEqual(['other', 'other', null].sort());
          // The cross-walk's variant_subtype names the Shadowless edition where no group name is known.
          const base = await get('/v1/cards/base1-4');
          const labels = Object.fromEntries(
            (base.printings as Json[]).map((p) => [p.tcgplayer_sub_type, [p.product_line, p.label]]),
          );
          expect(labels).toEqual({
            Holofoil: [null, 'Holofoil'],
            'Unlimited Holofoil': ['shadowless', 'Shadowless Holofoil'],
            '1st Edition Holofoil': ['shadowless', '1st Edition Holofoil'],
          });
          // The cross-walk places both Jumbo cards, the WCD card and the Shadowless product (two printings) in the set's group.
          expect(warnings).toBe(5);
        });
      });
    }
  });
});

describe.each(dialects)('headline rule order on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d);
    const day = (offset: number) => new Date(Date.UTC(2025, 9, 20) + offset * 86_400_000).toISOString().slice(0, 10);
    const tcg = (
      productId: number,
      groupId: number,
      subType: string,
      date: string,
      market: number,
    ): PriceObservation => ({
      ref: { kind: 'tcgplayer', productId, subType, groupId },
      market: 'tcgplayer',
      currency: 'USD',
      date,
      prices: { market },
    });
    const headlineOf = async (cardId: string) => {
      const row = await ctx.database.db
        .selectFrom('latest_prices as lp')
        .innerJoin('printings as p', 'p.key', 'lp.printing_key')
        .select(['p.id', 'p.tcgplayer_product_id', 'p.product_line', 'lp.last_cents'])
        .where('lp.card_id', '=', cardId)
        .where('lp.headline', '=', 1)
        .executeTakeFirstOrThrow();
      return { ...row, last_cents: Number(row.last_cents) };
    };

    beforeAll(async () => {
      // A set with no recorded TCGplayer group: its own group is the one most of its printings arrive from (500).
      await catalogWriter(ctx).upsertSets([{ id: 'sx', name: 'Set X' }], NOW_ISO);
      await catalogWriter(ctx).upsertCards(
        ['sx-1', 'sx-2', 'sx-3'].map((id, i) => ({ id, setId: 'sx', number: String(i + 1), name: id })),
        NOW_ISO,
      );
      const map = await ProductMap.load(ctx.database.db);
      const link = (productId: number, cardId: string) => ({
        productId,
        cardId,
        kind: 'card' as const,
        feed: 'test',
      });
      await map.upsert(
        [link(1001, 'sx-1'), link(1002, 'sx-1'), link(2001, 'sx-2'), link(2002, 'sx-2'), link(3002, 'sx-3')],
        NOW_ISO,
      );
      const batches: PriceObservation[][] = [
        // Imported first, so each gets the lower key: sx-1's reprint (group 900), sx-2's less-observed own product.
        [tcg(1002, 900, 'Holofoil', day(0), 0.5), tcg(2001, 500, 'Holofoil', day(0), 9)],
        [
          tcg(1001, 500, 'Holofoil', day(0), 4),
          tcg(1001, 500, 'Holofoil', day(-1), 4),
          ...[-2, -1, 0].map((k) => tcg(2002, 500, 'Holofoil', day(k), 3)),
          // sx-3: a price without a TCGplayer group (as pokemontcg.io sends it) and a reprint in a better finish.
          {
            ref: { kind: 'card', cardId: 'sx-3', finishLabel: 'holofoil' },
            market: 'tcgplayer',
            currency: 'USD',
            date: day(0),
            prices: { market: 7 },
          },
          tcg(3002, 900, 'Normal', day(0), 70),
        ],
      ];
      for (const rows of batches) {
        await withRun(ctx, { importer: 'test', feed: 'test', kind: 'prices' }, async (run) => {
          const importer = await priceImporter(ctx, run, 'test');
          await importer.add(rows);
          await importer.flush();
        });
      }
      await deriveLatestPrices(ctx.database);
    });

    it('the set’s own group (inferred where none is recorded) before a reprint imported earlier', async () => {
      expect(await headlineOf('sx-1')).toMatchObject({
        tcgplayer_product_id: 1001,
        last_cents: 400,
        product_line: null,
      });
      const reprint = await ctx.database.db
        .selectFrom('printings')
        .select(['product_line', 'tcgplayer_group_id'])
        .where('tcgplayer_product_id', '=', 1002)
        .executeTakeFirstOrThrow();
      expect(reprint).toEqual({ product_line: 'other', tcgplayer_group_id: 900 });
    });

    it('among the set’s own products of one finish, the more observed one, not the older one', async () => {
      expect(await headlineOf('sx-2')).toMatchObject({ tcgplayer_product_id: 2002, last_cents: 300 });
    });

    it('a printing of unknown group before a reprint, even one in a more standard finish', async () => {
      expect(await headlineOf('sx-3')).toMatchObject({
        id: 'sx-3.holofoil',
        tcgplayer_product_id: null,
        last_cents: 700,
      });
    });

    it('prices without a product go to the set product’s printing, not to a reprint that holds the plain id', async () => {
      await catalogWriter(ctx).upsertSets([{ id: 'sy', name: 'Set Y', tcgplayerGroupId: 600 }], NOW_ISO);
      await catalogWriter(ctx).upsertCards([{ id: 'sy-1', setId: 'sy', number: '1', name: 'sy-1' }], NOW_ISO);
      // As the import order made it before: a reprint (group 900) holds `sy-1.holofoil`.
      await ctx.database.db
        .insertInto('printings')
        .values({
          id: 'sy-1.holofoil',
          card_id: 'sy-1',
          finish: 'holofoil',
          language: 'en',
          tcgplayer_product_id: 5002,
          tcgplayer_sub_type: 'Holofoil',
          tcgplayer_group_id: 900,
          product_line: null,
          cardmarket_product_id: null,
          created_at: NOW_ISO,
        })
        .execute();
      const map = await ProductMap.load(ctx.database.db);
      await map.upsert([{ productId: 5001, cardId: 'sy-1', kind: 'card', feed: 'test' }], NOW_ISO);
      // A TCGCSV run, then a run of a source without TCGplayer products (pokemontcg.io's Cardmarket block).
      const batches: PriceObservation[][] = [
        [tcg(5001, 600, 'Holofoil', day(0), 6)],
        [
          {
            ref: { kind: 'card', cardId: 'sy-1', finishLabel: 'holofoil' },
            market: 'cardmarket',
            currency: 'EUR',
            date: day(0),
            prices: { market: 5 },
          },
        ],
      ];
      for (const rows of batches) {
        await withRun(ctx, { importer: 'test', feed: 'test', kind: 'prices' }, async (run) => {
          const importer = await priceImporter(ctx, run, 'test');
          await importer.add(rows);
          await importer.flush();
        });
      }
      const rows = await ctx.database.db
        .selectFrom('prices as r')
        .innerJoin('printings as p', 'p.key', 'r.printing_key')
        .select(['p.id', 'r.market'])
        .where('p.card_id', '=', 'sy-1')
        .orderBy('r.market')
        .execute();
      expect(rows).toEqual([
        { id: 'sy-1.holofoil.5001', market: 'cardmarket' },
        { id: 'sy-1.holofoil.5001', market: 'tcgplayer' },
      ]);
      await deriveLatestPrices(ctx.database);
      expect(await headlineOf('sy-1')).toMatchObject({ id: 'sy-1.holofoil.5001', last_cents: 600 });
      const reprint = await ctx.database.db
        .selectFrom('printings')
        .select('product_line')
        .where('id', '=', 'sy-1.holofoil')
        .executeTakeFirstOrThrow();
      expect(reprint.product_line).toBe('other');
    });

    it('keeps the group recorded first when a product’s rows later arrive from another group, and logs it', async () => {
      const lines: string[] = [];
      const logged: IngestContext = {
        database: ctx.database,
        runs: ctx.runs,
        clock: ctx.clock,
        log: createLogger('warn', { write: (l: string) => void lines.push(l) }),
      };
      await withRun(logged, { importer: 'test', feed: 'test', kind: 'prices' }, async (run) => {
        const importer = await priceImporter(logged, run, 'test');
        await importer.add([tcg(1001, 777, 'Holofoil', day(1), 5)]);
        await importer.flush();
      });
      const p = await ctx.database.db
        .selectFrom('printings')
        .select(['id', 'tcgplayer_group_id'])
        .where('tcgplayer_product_id', '=', 1001)
        .executeTakeFirstOrThrow();
      expect(p.tcgplayer_group_id).toBe(500);
      const warning = lines.map((l) => JSON.parse(l) as Json).find((l) => l.printing === p.id);
      expect(warning).toMatchObject({ recordedGroup: 500, arrivingGroup: 777 });
    });
  });
});
