/**
 * Product listings in every TCGCSV path (issue points: file imports match as live ones do; every
 * rejected row says why and can be acted on; sealed products are priced items), through the
 * importers and the full app, on both dialects, from small hand-written files in TCGCSV's layout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rematchRun } from '../src/features/ingest/rematch.ts';
import { importTcgcsvFiles } from '../src/features/ingest/sources/tcgcsv-files.ts';
import { importTcgcsvProductFiles } from '../src/features/ingest/sources/tcgcsv-products.ts';
import { deriveReadModels } from '../src/features/market/derive.ts';
import { dialects, label } from './dialects.ts';
import { ADMIN_TOKEN, bearer, harnessDatabase } from './harness.ts';
import { D1, D2, seedPromoCatalog, writeListings, writePromoPrices } from './tcgcsv-products-fixtures.ts';

const SEALED = 'sealed-tcgplayer-136401';

describe.each(dialects)('TCGCSV product listings on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let dir: string;
    let firstRun: string;
    let secondRun: string;
    const admin = { headers: bearer(ADMIN_TOKEN) };
    const prices = (printing: string) =>
      h.runtime.database.db
        .selectFrom('prices')
        .innerJoin('printings', 'printings.key', 'prices.printing_key')
        .select(['prices.date', 'prices.market_cents'])
        .where('printings.id', '=', printing)
        .orderBy('prices.date')
        .execute();

    const h = harnessDatabase(d);
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cardquant-products-'));
      writeListings(join(dir, 'listings'));
      writePromoPrices(join(dir, 'day1'), { [D1]: 0 });
      writePromoPrices(join(dir, 'day2'), { [D2]: 1 });
      await seedPromoCatalog(h.runtime.ingest, '2026-11-01T00:00:00.000Z');
    });
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('without listings or a cross-walk a files import links nothing, and says so per product', async () => {
      const run = await importTcgcsvFiles(h.runtime.ingest, { path: join(dir, 'day1') });
      expect(run).toMatchObject({ rows_read: 9, accepted: 0, rejected: 9 });
      expect(run.rejected_by_reason).toEqual({ unmapped_product: 9 });
      firstRun = run.id;
    });

    it('import products tcgcsv-files stores every listing once, as a products run', async () => {
      const run = await importTcgcsvProductFiles(h.runtime.ingest, { path: join(dir, 'listings') });
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 9,
        accepted: 8,
        updated: 0,
        unchanged: 0,
        rejected: 1,
      });
      expect(run.rejected_by_reason).toEqual({ malformed_row: 1 });
      const row = await h.runtime.database.db
        .selectFrom('ingestion_runs')
        .select(['kind', 'importer', 'feed'])
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ kind: 'products', importer: 'tcgcsv-files', feed: 'tcgcsv' });
      const products = await h.runtime.database.db
        .selectFrom('tcgplayer_products')
        .select(['product_id', 'card_id', 'kind'])
        .orderBy('product_id')
        .execute();
      expect(products).toEqual([
        { product_id: 42382, card_id: 'base1-4', kind: 'card' },
        { product_id: 42500, card_id: null, kind: 'unmapped' },
        { product_id: 100001, card_id: 'basep-1', kind: 'card' },
        { product_id: 100002, card_id: 'basep-2', kind: 'card' },
        { product_id: 100009, card_id: null, kind: 'unknown' },
        { product_id: 136401, card_id: SEALED, kind: 'sealed' },
        { product_id: 136500, card_id: null, kind: 'code_card' },
        { product_id: 136600, card_id: null, kind: 'accessory' },
      ]);
      const sealed = await h.runtime.database.db
        .selectFrom('cards')
        .select(['id', 'set_id', 'name', 'kind'])
        .where('kind', '=', 'sealed')
        .execute();
      expect(sealed).toEqual([{ id: SEALED, set_id: 'base1', name: 'Base Set Booster Box', kind: 'sealed' }]);
      // The group list named the promo group's abbreviation: the promo set now records its group.
      const basep = await h.runtime.database.db
        .selectFrom('sets')
        .select('tcgplayer_group_id')
        .where('id', '=', 'basep')
        .executeTakeFirstOrThrow();
      expect(basep.tcgplayer_group_id).toBe(1418);

      const again = await importTcgcsvProductFiles(h.runtime.ingest, { path: join(dir, 'listings') });
      expect(again).toMatchObject({
        status: 'succeeded',
        rows_read: 9,
        accepted: 0,
        updated: 0,
        unchanged: 8,
        rejected: 1,
      });
    });

    it('a missing listing folder fails the products run with a message that names the layout', async () => {
      const run = await importTcgcsvProductFiles(h.runtime.ingest, { path: join(dir, 'nowhere') });
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/expected 3\/<groupId>\/products/);
    });

    it('import rematch links the earlier run through the stored listings, reason by reason', async () => {
      const run = await rematchRun(h.runtime.ingest, firstRun);
      expect(run).toMatchObject({ rows_read: 9, accepted: 4, rejected: 5 });
      expect(run.rejected_by_reason).toEqual({ unknown_card: 1, unmapped_product: 2, code_card: 1, accessory: 1 });
      expect(await prices('basep-1.normal')).toEqual([{ date: D1, market_cents: 500 }]);
      expect(await prices(`${SEALED}.normal`)).toEqual([{ date: D1, market_cents: 1_000_000 }]);
    });

    it('a files import prices the black-star promos and the sealed product through the listings', async () => {
      const run = await importTcgcsvFiles(h.runtime.ingest, { path: join(dir, 'day2') });
      expect(run).toMatchObject({ status: 'succeeded', rows_read: 9, accepted: 4, rejected: 5 });
      expect(run.rejected_by_reason).toEqual({ unknown_card: 1, unmapped_product: 2, code_card: 1, accessory: 1 });
      expect(await prices('basep-1.normal')).toEqual([
        { date: D1, market_cents: 500 },
        { date: D2, market_cents: 600 },
      ]);
      expect(await prices('basep-2.normal')).toHaveLength(2);
      secondRun = run.id;
    });

    it('GET …/runs/{id}/unmatched lists each product with its group, listing, rows and a suggested card', async () => {
      const res = await h.request(`/v1/admin/ingestion/runs/${secondRun}/unmatched`, admin);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { items: Record<string, unknown>[]; next_cursor: string | null };
      expect(body.next_cursor).toBeNull();
      expect(body.items).toEqual([
        {
          product_id: 42500,
          group_id: 604,
          group_name: 'Base Set',
          name: 'Raichu',
          number: '058/102',
          reason: 'unmapped_product',
          rows: 1,
          suggested_card: { id: 'base1-58', name: 'Pikachu', set_id: 'base1' },
        },
        {
          product_id: 100009,
          group_id: 1418,
          group_name: 'WoTC Promo',
          name: 'Mewtwo',
          number: '3',
          reason: 'unknown_card',
          rows: 1,
          suggested_card: null,
        },
        {
          product_id: 136500,
          group_id: 604,
          group_name: 'Base Set',
          name: 'Code Card - Base Set Booster Pack',
          number: null,
          reason: 'code_card',
          rows: 1,
          suggested_card: null,
        },
        {
          product_id: 136600,
          group_id: 604,
          group_name: 'Base Set',
          name: 'Pokemon Card Sleeves - Charizard (65 Sleeves)',
          number: null,
          reason: 'accessory',
          rows: 1,
          suggested_card: null,
        },
        {
          product_id: 777001,
          group_id: 604,
          group_name: 'Base Set',
          name: null,
          number: null,
          reason: 'unmapped_product',
          rows: 1,
          suggested_card: null,
        },
      ]);

      const byReason = (await (
        await h.request(`/v1/admin/ingestion/runs/${secondRun}/unmatched?reason=unmapped_product`, admin)
      ).json()) as { items: { product_id: number }[] };
      expect(byReason.items.map((i) => i.product_id)).toEqual([42500, 777001]);
      const bySet = (await (
        await h.request(`/v1/admin/ingestion/runs/${secondRun}/unmatched?set=basep`, admin)
      ).json()) as { items: { product_id: number }[] };
      expect(bySet.items.map((i) => i.product_id)).toEqual([100009]);

      const first = (await (
        await h.request(`/v1/admin/ingestion/runs/${secondRun}/unmatched?limit=2`, admin)
      ).json()) as { items: { product_id: number }[]; next_cursor: string };
      expect(first.items.map((i) => i.product_id)).toEqual([42500, 100009]);
      const second = (await (
        await h.request(`/v1/admin/ingestion/runs/${secondRun}/unmatched?limit=2&cursor=${first.next_cursor}`, admin)
      ).json()) as { items: { product_id: number }[] };
      expect(second.items.map((i) => i.product_id)).toEqual([136500, 136600]);
    });

    it('the unmatched endpoint needs the viewer role and answers problems for an unknown run or set', async () => {
      expect((await h.request(`/v1/admin/ingestion/runs/${secondRun}/unmatched`)).status).toBe(401);
      const missing = await h.request('/v1/admin/ingestion/runs/run_missing/unmatched', admin);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(((await missing.json()) as { code: string }).code).toBe('ingestion_run_not_found');
      const badSet = await h.request(`/v1/admin/ingestion/runs/${secondRun}/unmatched?set=nope`, admin);
      expect(badSet.status).toBe(422);
      const badReason = await h.request(`/v1/admin/ingestion/runs/${secondRun}/unmatched?reason=nope`, admin);
      expect(badReason.status).toBe(422);
      const badCursor = await h.request(
        `/v1/admin/ingestion/runs/${secondRun}/unmatched?cursor=${Buffer.from('{"p":"x"}').toString('base64url')}`,
        admin,
      );
      expect(badCursor.status).toBe(422);
    });

    it('a sealed product is a priced item: listed with kind=sealed, with history, movers and its own index', async () => {
      await deriveReadModels(h.runtime.database, h.runtime.clock);
      type Item = { id: string; kind: string; price: number | null };
      const list = async (query: string) =>
        ((await (await h.request(`/v1/cards${query}`)).json()) as { items: Item[] }).items;
      expect((await list('')).map((c) => [c.id, c.kind])).toEqual([
        ['base1-4', 'card'],
        ['basep-2', 'card'],
        ['base1-58', 'card'],
        ['basep-1', 'card'],
      ]);
      expect(await list('?kind=sealed')).toMatchObject([{ id: SEALED, kind: 'sealed', price: 11000 }]);
      expect((await list('?kind=all')).map((c) => c.id)).toContain(SEALED);
      expect((await h.request('/v1/cards?kind=box')).status).toBe(422);

      const detail = (await (await h.request(`/v1/cards/${SEALED}`)).json()) as { kind: string };
      expect(detail.kind).toBe('sealed');
      const history = (await (await h.request(`/v1/cards/${SEALED}/history`)).json()) as Record<string, unknown>;
      expect(JSON.stringify(history)).toContain(D1);
      expect(JSON.stringify(history)).toContain(D2);

      type Mover = { card: { id: string; kind: string }; change_pct: number };
      const movers = async (query: string) =>
        ((await (await h.request(`/v1/movers?window=1d${query}`)).json()) as { items: Mover[] }).items;
      expect(await movers('&kind=sealed')).toMatchObject([{ card: { id: SEALED, kind: 'sealed' }, change_pct: 10 }]);
      expect((await movers('')).map((m) => m.card.id)).toEqual(['basep-1']);
      expect((await movers('&kind=all')).map((m) => m.card.id)).toEqual(['basep-1', SEALED]);

      type Index = { id: string; kind: string; constituents: number };
      const indexes = ((await (await h.request('/v1/indexes')).json()) as { items: Index[] }).items;
      expect(indexes.map((i) => [i.id, i.kind])).toEqual([
        ['market', 'market'],
        ['sealed', 'sealed'],
        ['set-base1', 'set'],
        ['set-basep', 'set'],
      ]);
      // The card index holds the three priced cards (basep-1, basep-2 and base1-4 after the rematch), the sealed index the box.
      expect(indexes.find((i) => i.id === 'sealed')!.constituents).toBe(1);
      expect(indexes.find((i) => i.id === 'market')!.constituents).toBe(3);
      expect(indexes.find((i) => i.id === 'set-base1')!.constituents).toBe(1);
    });

    it('the signals step covers sealed items like cards', async () => {
      const [record] = await h.runtime.pipeline.run(['signals'], { trigger: 'cli' });
      expect(record!.status).toBe('succeeded');
      const rows = await h.runtime.database.db
        .selectFrom('signals')
        .innerJoin('printings', 'printings.key', 'signals.printing_key')
        .select(['printings.card_id', 'signals.date', 'signals.observations'])
        .where('printings.card_id', 'in', [SEALED, 'basep-1'])
        .orderBy('printings.card_id')
        .execute();
      expect(rows.map((r) => [r.card_id, String(r.date).slice(0, 10), Number(r.observations)])).toEqual([
        ['basep-1', D2, 2],
        [SEALED, D2, 2],
      ]);
    });

    it('retention deletes the unmatched lists with the payloads of old runs', async () => {
      const count = async () =>
        Number(
          (
            await h.runtime.database.db
              .selectFrom('ingestion_unmatched')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      expect(await count()).toBeGreaterThan(0);
      h.clock.advance(31 * 86_400_000);
      const [record] = await h.runtime.pipeline.run(['retention'], { trigger: 'cli' });
      expect(record!.status).toBe('succeeded');
      expect(await count()).toBe(0);
      const body = (await (await h.request(`/v1/admin/ingestion/runs/${secondRun}/unmatched`, admin)).json()) as {
        items: unknown[];
      };
      expect(body.items).toEqual([]);
    });
  });
});
