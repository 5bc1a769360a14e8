import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestDatabase } from '#test/ingest-harness.ts';
import { recordingSleep, startReplay, type Replay } from '#test/replay-server.ts';
import { envelope, NOT_FOUND_BODY } from '#test/tcgcsv-fixtures.ts';
import { GROUP_LIST, LISTINGS, seedPromoCatalog } from '#test/tcgcsv-products-fixtures.ts';
import { ProductMap } from '../../catalog/product-map.ts';
import { importTcgcsvProducts } from './tcgcsv-products.ts';

const NOW = '2026-11-25T12:00:00.000Z';
let replay: Replay;
const waits = recordingSleep();

beforeAll(async () => {
  // The groups list names one more group, whose listing TCGCSV does not have (404: zero products).
  const groups = [...GROUP_LIST, { groupId: 2848, name: 'Empty Promo Group', abbreviation: 'EPG', categoryId: 3 }];
  replay = await startReplay((url) => {
    if (url.pathname === '/tcgplayer/3/groups') return { key: 'groups', body: envelope(groups) };
    const m = /^\/tcgplayer\/3\/(\d+)\/products$/.exec(url.pathname);
    if (!m) return null;
    const listing = LISTINGS[Number(m[1])];
    return listing
      ? { key: `products:${m[1]}`, body: envelope(listing) }
      : { key: `products:${m[1]}`, status: 404, body: NOT_FOUND_BODY };
  });
});
afterAll(() => replay.close());
beforeEach(() => {
  replay.reset();
  waits.waits.length = 0;
});

describe.each(dialects)('import products tcgcsv (live) on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d, NOW);
    const options = (extra: object = {}) => ({
      baseUrl: replay.baseUrl,
      retries: 1,
      timeoutMs: 2000,
      requestsPerSecond: 1000,
      sleep: waits.sleep,
      ...extra,
    });
    beforeAll(async () => {
      await seedPromoCatalog(ctx, NOW);
    });

    it('reads the group list, then every group’s listing, into the product map and the group table', async () => {
      const run = await importTcgcsvProducts(ctx, options());
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 9,
        accepted: 8,
        updated: 0,
        unchanged: 0,
        rejected: 1,
        failures: [],
      });
      expect(run.rejected_by_reason).toEqual({ malformed_row: 1 });
      expect(replay.requests.map((r) => r.key)).toEqual(['groups', 'products:1418', 'products:604', 'products:2848']);
      const groups = await ctx.database.db
        .selectFrom('tcgplayer_groups')
        .select(['group_id', 'name', 'abbreviation'])
        .orderBy('group_id')
        .execute();
      expect(groups).toEqual([
        { group_id: 604, name: 'Base Set', abbreviation: 'BS' },
        { group_id: 1418, name: 'WoTC Promo', abbreviation: 'PR' },
        { group_id: 2848, name: 'Empty Promo Group', abbreviation: 'EPG' },
      ]);
      const linked = await ctx.database.db
        .selectFrom('tcgplayer_products')
        .select(['product_id', 'card_id'])
        .where('card_id', 'is not', null)
        .orderBy('product_id')
        .execute();
      expect(linked).toEqual([
        { product_id: 42382, card_id: 'base1-4' },
        { product_id: 100001, card_id: 'basep-1' },
        { product_id: 100002, card_id: 'basep-2' },
        { product_id: 136401, card_id: 'sealed-tcgplayer-136401' },
      ]);
      const row = await ctx.database.db
        .selectFrom('ingestion_runs')
        .select(['kind', 'importer', 'rows_read'])
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ kind: 'products', importer: 'tcgcsv', rows_read: 9 });
    });

    it('a listing without a number never turns a product the cross-walk links to a card into a sealed item', async () => {
      const map = await ProductMap.load(ctx.database.db);
      await map.upsert([{ productId: 136401, cardId: 'base1-58', kind: 'card', feed: 'crosswalk' }], NOW);
      const run = await importTcgcsvProducts(ctx, options({ groups: [604] }));
      expect(run.status).toBe('succeeded');
      expect((await ProductMap.load(ctx.database.db)).lookup(136401)).toEqual({ ok: true, cardId: 'base1-58' });
    });

    it('a group whose listing cannot be had fails alone (partial); only the groups asked for are read', async () => {
      replay.script.set('products:604', [{ status: 500 }, { status: 500 }]);
      const run = await importTcgcsvProducts(ctx, options({ groups: [604, 1418] }));
      expect(run.status).toBe('partial');
      expect(run.failures).toEqual([
        { item: 'group 604', error: expect.stringMatching(/^products: http: TCGCSV answered 500/) as string },
      ]);
      expect(run).toMatchObject({ rows_read: 3, accepted: 0, unchanged: 3 });
      expect(waits.waits).toHaveLength(1);
    });

    it('fails the run when the group list cannot be had', async () => {
      replay.script.set('groups', [{ status: 503 }, { status: 503 }]);
      const run = await importTcgcsvProducts(ctx, options());
      expect(run).toMatchObject({ status: 'failed', rows_read: 0 });
      expect(run.error).toMatch(/TCGCSV group list/);
    });
  });
});
