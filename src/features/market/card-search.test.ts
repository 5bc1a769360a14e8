import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase } from '#test/harness.ts';
import { seedMarket } from '#test/market-fixtures.ts';
import { listCards, listCardsScan, type CardPage } from './cards.repo.ts';

// A name-sorted prefix search is answered from the index of terms (card_terms holds each card's
// name sort key and kind); it must give exactly the rows and order the card-summary scan gives.
describe.each(dialects)('name-sorted search from the terms on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    beforeAll(async () => {
      await seedMarket(h.runtime.ingest);
    });

    it('answers every page of every query, order, size and kind as the scan does', async () => {
      const db = h.runtime.database.db;
      const queries = ['c', 'ch', 'char', 'CHARI', 'dark char', 'char dark', 'f', 'flabebe', 'p', 'j', 'zzz'];
      let compared = 0;
      for (const q of queries)
        for (const kind of ['card', 'sealed', 'all', undefined] as const)
          for (const order of ['asc', 'desc'] as const)
            for (const limit of [1, 2, 50]) {
              let after: CardPage['after'];
              for (let pageNo = 0; pageNo < 10; pageNo++) {
                const page: CardPage = { sort: 'name', order, limit, after };
                const filters = { q, kind, currency: 'USD' };
                const fromTerms = await listCards(db, filters, page);
                const scanned = await listCardsScan(db, filters, page);
                expect(fromTerms, `${q} ${kind} ${order} ${limit} page ${pageNo}`).toEqual(scanned);
                compared++;
                if (scanned.length <= limit) break;
                const last = scanned[limit - 1]!;
                after = { key: String(last.sort_key), id: last.card_id };
              }
            }
      expect(compared).toBeGreaterThan(queries.length * 24);
      // The fixture's search really finds cards, on more than one page.
      expect(
        (await listCards(db, { q: 'char', currency: 'USD' }, { sort: 'name', order: 'asc', limit: 50 })).map(
          (r) => r.card_id,
        ),
      ).toEqual(['s1-4', 's1-6', 's1-5']);
    });
  });
});
