/**
 * Acceptance on the real reference data (`../shared/data`, never part of the repo): the full
 * pokemontcg.io catalogue, then every TCGCSV price file (17 groups × 30 days) through the TCGdex
 * cross-walk, on both dialects. Skipped, with the reason in its name, where the data is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src/features/ingest/ingestion-run.ts';
import { importPokemontcgFilesCatalog } from '../src/features/ingest/sources/pokemontcg-files.ts';
import { importTcgcsvFiles } from '../src/features/ingest/sources/tcgcsv-files.ts';
import { dialects, label } from './dialects.ts';
import { ingestContext } from './ingest-harness.ts';

const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const CATALOG = join(DATA, 'pokemontcg-data');
const PRICES = join(DATA, 'tcgcsv', 'prices');
const MAP = join(DATA, 'tcgdex', 'tcgplayer_to_pokemontcg.csv');
const present = existsSync(CATALOG) && existsSync(PRICES) && existsSync(MAP);

interface FileRow {
  productId: number;
  subTypeName: string;
  marketPrice: number | null;
}

/** What the files say, read independently of the importer: rows per date, and Charizard's market price per date. */
function readFacts() {
  const rowsByDate = new Map<string, number>();
  const charizard = new Map<string, number | null>();
  for (const date of readdirSync(PRICES).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort()) {
    let n = 0;
    for (const group of readdirSync(join(PRICES, date, '3'))) {
      const rows = (JSON.parse(readFileSync(join(PRICES, date, '3', group, 'prices'), 'utf8')) as { results: FileRow[] }).results;
      n += rows.length;
      const hit = rows.find((r) => r.productId === 42382 && r.subTypeName === 'Holofoil');
      if (hit) charizard.set(date, hit.marketPrice);
    }
    rowsByDate.set(date, n);
  }
  return { rowsByDate, charizard };
}

describe.skipIf(!present)('market data acceptance (skipped: ../shared/data absent)', () => {
  const facts = present ? readFacts() : { rowsByDate: new Map<string, number>(), charizard: new Map<string, number | null>() };
  const dates = [...facts.rowsByDate.keys()];

  // Both dialects import all 30 days (about 20 s on PostgreSQL, catalogue included).
  describe.each(dialects)('on $name', (d) => {
    describe.skipIf(d.skip !== null)(`${label(d)}: catalogue + ${dates.length} days of 17 groups, twice`, () => {
      let url: string;
      let ctx: Awaited<ReturnType<typeof ingestContext>>;
      let catalog: RunSummary;
      let first: RunSummary;
      let second: RunSummary;
      const range = { from: dates[0]!, to: dates.at(-1)! };
      const expectedRows = dates.reduce((sum, date) => sum + facts.rowsByDate.get(date)!, 0);

      beforeAll(async () => {
        url = await d.create();
        ctx = await ingestContext(url);
        catalog = await importPokemontcgFilesCatalog(ctx, { path: CATALOG });
        first = await importTcgcsvFiles(ctx, { path: PRICES, map: MAP, ...range });
        second = await importTcgcsvFiles(ctx, { path: PRICES, map: MAP, ...range });
      }, 240_000);
      afterAll(async () => {
        await ctx?.close();
        if (url) await d.drop(url);
      });

      it('imports the catalogue, then reads every price row and accounts for each', async () => {
        expect(catalog.status).toBe('succeeded');
        expect(catalog.accepted).toBeGreaterThan(20_000);
        expect(first.status).toBe('succeeded');
        expect(first.failures).toEqual([]);
        expect(first.rows_read).toBe(expectedRows);
        for (const run of [first, second]) {
          expect(run.rows_read).toBe(run.accepted + run.updated + run.unchanged + run.rejected);
          const row = await ctx.database.db.selectFrom('ingestion_runs').selectAll().where('id', '=', run.id).executeTakeFirstOrThrow();
          expect(row.rows_read).toBe(row.accepted + row.updated + row.unchanged + row.rejected);
          expect(row.rows_read).toBe(expectedRows);
        }
      });

      it('gives every rejected row a reason: sealed products, code cards and unmatched products, never guesses', () => {
        const reasons = first.rejected_by_reason;
        expect(Object.values(reasons).reduce((a, b) => a + b, 0)).toBe(first.rejected);
        for (const [reason, count] of Object.entries(reasons)) {
          expect(reason).toMatch(/^[a-z_]+$/);
          expect(count).toBeGreaterThan(0);
        }
        // Products outside the cross-walk (sealed, code cards, cards it lacks) are the largest share.
        expect(reasons.unmatched_product).toBeGreaterThan(first.rejected / 2);
        expect(reasons.duplicate_row ?? 0).toBe(0);
      });

      it('accepts about 90 % of the rows of 2025-10-20 (89.9 % are mappable)', async () => {
        const stored = await ctx.database.db.selectFrom('prices').select((eb) => eb.fn.countAll<number>().as('n')).where('date', '=', '2025-10-20').executeTakeFirstOrThrow();
        const share = Number(stored.n) / facts.rowsByDate.get('2025-10-20')!;
        expect(share).toBeGreaterThan(0.88);
        expect(share).toBeLessThanOrEqual(0.899);
      });

      it('stores Base Set Charizard holofoil (42382, Holofoil) once per date at the file’s market price', async () => {
        const rows = await ctx.database.db
          .selectFrom('prices')
          .innerJoin('printings', 'printings.key', 'prices.printing_key')
          .select(['prices.date', 'prices.market_cents', 'printings.id', 'printings.card_id'])
          .where('printings.tcgplayer_product_id', '=', 42382)
          .where('printings.tcgplayer_sub_type', '=', 'Holofoil')
          .orderBy('prices.date')
          .execute();
        expect(new Set(rows.map((r) => r.card_id))).toEqual(new Set(['base1-4']));
        expect(rows.map((r) => r.date)).toEqual(dates.filter((date) => facts.charizard.get(date) != null));
        expect(rows.length).toBeGreaterThanOrEqual(25);
        for (const r of rows) expect(r.market_cents).toBe(Math.round(facts.charizard.get(r.date)! * 100));
      });

      it('a second import of the same files stores nothing new: all unchanged', () => {
        expect(second).toMatchObject({ status: 'succeeded', accepted: 0, updated: 0, unchanged: first.accepted, rejected: first.rejected });
        expect(second.rejected_by_reason).toEqual(first.rejected_by_reason);
      });
    });
  });
});
