import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestDatabase } from '#test/ingest-harness.ts';
import { LISTED_ONLY_PRODUCT, seedCollectionCatalogue } from '#test/portfolio-csv-fixtures.ts';
import { cardNameOf, cardNumberOf, finishOfLabel } from './collection-fields.ts';
import {
  CatalogueIndex,
  identityOf,
  matchRows,
  numberSpellings,
  type MatchOutcome,
  type RowIdentity,
} from './collection-match.ts';

/** A row's identity from cells as a collector's export writes them. */
const row = (cells: { product?: number; set?: string; number?: string; finish?: string; name?: string }): RowIdentity =>
  identityOf({
    productId: cells.product ?? null,
    set: cells.set ?? null,
    number: cells.number === undefined ? null : cardNumberOf(cells.number),
    finish: cells.finish === undefined ? null : finishOfLabel(cells.finish),
    name: cells.name === undefined ? null : cardNameOf(cells.name),
  });

/** The outcome in brief: the printing, the candidates' ids, or the reason. */
function brief(o: MatchOutcome) {
  if (o.status === 'matched') return { status: o.status, by: o.by, id: o.printing.id };
  if (o.status === 'ambiguous') return { status: o.status, by: o.by, ids: o.candidates.map((c) => c.id) };
  return { status: o.status, reason: o.reason, detail: o.detail };
}

describe('numberSpellings', () => {
  it('pads a numeric prefix with up to three zeros and leaves other numbers alone', () => {
    expect(numberSpellings('4')).toEqual(['4', '04', '004', '0004']);
    expect(numberSpellings('25a')).toEqual(['25a', '025a', '0025a', '00025a']);
    expect(numberSpellings('tg01')).toEqual(['tg01']);
  });
});

describe('CatalogueIndex.scopeOf', () => {
  const index = new CatalogueIndex(
    [
      { id: 'base1', name: 'Base', ptcgo_code: 'BS', tcgplayer_group_id: null },
      { id: 'base2', name: 'Jungle', ptcgo_code: 'JU', tcgplayer_group_id: 635 },
    ],
    [{ group_id: 635, name: 'Jungle', abbreviation: null }],
  );
  const scope = (cell: string) => {
    const s = index.scopeOf(cell);
    return s && { sets: [...s.setIds], groups: [...s.groupIds] };
  };

  it('reads ids, names and codes in any case and spacing, and drops a trailing "Set" only when nothing else matches', () => {
    expect(scope('BASE1')).toEqual({ sets: ['base1'], groups: [] });
    expect(scope('  bs ')).toEqual({ sets: ['base1'], groups: [] });
    expect(scope('Base Set')).toEqual({ sets: ['base1'], groups: [] });
    expect(scope('Jungle')).toEqual({ sets: ['base2'], groups: [635] });
    expect(scope('Fossil')).toBeNull();
    expect(scope('Set')).toBeNull();
  });
});

describe.each(dialects)('matching collection rows on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d);
    beforeAll(async () => {
      await seedCollectionCatalogue(ctx.database.db);
    });
    const match = async (...rows: RowIdentity[]) => (await matchRows(ctx.database.db, rows)).map(brief);

    it('matches by TCGplayer product id first, the finish choosing between the sub-types of one product', async () => {
      expect(
        await match(
          row({ product: 42382 }),
          row({ product: 502566, finish: 'Reverse Holofoil' }),
          row({ product: 502566 }),
          // The product id wins over a set and number that say something else.
          row({ product: 42421, set: 'Obsidian Flames', number: '125' }),
        ),
      ).toEqual([
        { status: 'matched', by: 'product_id', id: 'base1-4.holofoil' },
        { status: 'matched', by: 'product_id', id: 'sv3pt5-25.reverse-holofoil' },
        { status: 'ambiguous', by: 'product_id', ids: ['sv3pt5-25.normal', 'sv3pt5-25.reverse-holofoil'] },
        { status: 'matched', by: 'product_id', id: 'base1-58.normal' },
      ]);
    });

    it('matches a product known only from its listing to the product-less printing of its card', async () => {
      expect(await match(row({ product: LISTED_ONLY_PRODUCT, finish: 'Holofoil' }))).toEqual([
        { status: 'matched', by: 'product_id', id: 'sv3-223.holofoil' },
      ]);
    });

    it('falls back to set + number when the product id is unknown', async () => {
      expect(await match(row({ product: 999999, set: 'Base', number: '4', finish: 'Holofoil' }))).toEqual([
        { status: 'matched', by: 'set_number', id: 'base1-4.holofoil' },
      ]);
    });

    it('reads the set as an id, a name, a code, a TCGplayer group name or abbreviation, and numbers in any padding', async () => {
      expect(
        await match(
          row({ set: 'base1', number: '58' }),
          row({ set: 'Base Set', number: '058/102' }),
          row({ set: 'SV03: Obsidian Flames', number: '125/197' }),
          row({ set: 'OBF', number: '87', finish: 'Reverse Holofoil' }),
          row({ set: 'Scarlet & Violet 151', number: '25', finish: 'Normal' }),
          row({ set: 'mew', number: '006/165' }),
        ),
      ).toEqual([
        { status: 'matched', by: 'set_number', id: 'base1-58.normal' },
        { status: 'matched', by: 'set_number', id: 'base1-58.normal' },
        { status: 'matched', by: 'set_number', id: 'sv3-125.holofoil' },
        { status: 'matched', by: 'set_number', id: 'sv3-87.reverse-holofoil' },
        { status: 'matched', by: 'set_number', id: 'sv3pt5-25.normal' },
        { status: 'matched', by: 'set_number', id: 'sv3pt5-6.holofoil' },
      ]);
    });

    it("takes a set's own product before a reprint, and the reprint when its group is named", async () => {
      expect(
        await match(
          row({ set: 'Base', number: '4', finish: 'Holofoil' }),
          row({ set: 'Base Set', number: '4' }),
          row({ set: 'Base Set (Shadowless)', number: '4/102', finish: 'Holofoil' }),
          // A printing without a recorded group belongs to its set's own group.
          row({ set: 'Base Set', number: '2' }),
        ),
      ).toEqual([
        { status: 'matched', by: 'set_number', id: 'base1-4.holofoil' },
        { status: 'matched', by: 'set_number', id: 'base1-4.holofoil' },
        { status: 'matched', by: 'set_number', id: 'base1-4.holofoil.106999' },
        { status: 'matched', by: 'set_number', id: 'base1-2.holofoil' },
      ]);
    });

    it('matches by exact name, folded, narrowed by set and number, and lists candidates when several remain', async () => {
      expect(
        await match(
          row({ name: 'Blastoise' }),
          row({ name: 'charizard EX', set: 'Obsidian Flames', number: '223' }),
          row({ name: 'Charizard ex - 223/197' }),
          row({ name: 'Flabebe', finish: 'Normal' }),
          row({ name: 'Charizard ex' }),
          row({ name: 'Pikachu', set: 'Scarlet & Violet 151' }),
        ),
      ).toEqual([
        { status: 'matched', by: 'name', id: 'base1-2.holofoil' },
        { status: 'matched', by: 'set_number', id: 'sv3-223.holofoil' },
        { status: 'matched', by: 'name', id: 'sv3-223.holofoil' },
        { status: 'matched', by: 'name', id: 'sv3-87.normal' },
        { status: 'ambiguous', by: 'name', ids: ['sv3-125.holofoil', 'sv3-223.holofoil', 'sv3pt5-6.holofoil'] },
        { status: 'ambiguous', by: 'name', ids: ['sv3pt5-25.normal', 'sv3pt5-25.reverse-holofoil'] },
      ]);
    });

    it("lists a name's printings as candidates when the row's set or number contradicts them", async () => {
      expect(
        await match(row({ name: 'Blastoise', set: 'Obsidian Flames' }), row({ name: 'Pikachu', number: '99' })),
      ).toEqual([
        { status: 'ambiguous', by: 'name', ids: ['base1-2.holofoil'] },
        { status: 'ambiguous', by: 'name', ids: ['base1-58.normal', 'sv3pt5-25.normal', 'sv3pt5-25.reverse-holofoil'] },
      ]);
    });

    it('says why a row is unmatched', async () => {
      expect(
        await match(
          row({}),
          row({ product: 999999 }),
          row({ set: 'Jungle', number: '1' }),
          row({ set: 'Base', number: '4', finish: 'Reverse Holofoil' }),
          row({ product: 42382, finish: 'Normal' }),
          row({ name: 'Missingno' }),
          row({ set: 'Base', number: '999', name: 'Missingno' }),
        ),
      ).toEqual([
        {
          status: 'unmatched',
          reason: 'no_identifying_fields',
          detail: 'the row has no product id, no set and number, and no name',
        },
        { status: 'unmatched', reason: 'not_found', detail: 'no product 999999' },
        { status: 'unmatched', reason: 'unknown_set', detail: 'no set "Jungle"' },
        {
          status: 'unmatched',
          reason: 'finish_not_found',
          detail: 'card 4 of "Base" has no reverse-holofoil printing',
        },
        { status: 'unmatched', reason: 'finish_not_found', detail: 'product 42382 has no normal printing' },
        { status: 'unmatched', reason: 'not_found', detail: 'no card named "missingno"' },
        { status: 'unmatched', reason: 'not_found', detail: 'no card 999 of "Base"; no card named "missingno"' },
      ]);
    });

    it('loads the candidates of any number of rows in a constant number of statements', async () => {
      const rows = (n: number) =>
        Array.from({ length: n }, (_, i) => [
          row({ product: 42382 + (i % 3) }),
          row({ set: 'Base Set', number: String(i % 60) }),
          row({ name: i % 2 ? 'Pikachu' : `Unknown ${i}` }),
        ]).flat();
      const count = async (n: number) => {
        const before = ctx.database.queryCount;
        const outcomes = await matchRows(ctx.database.db, rows(n));
        expect(outcomes).toHaveLength(3 * n);
        return ctx.database.queryCount - before;
      };
      // Sets, groups, products sold and listed, set + number, names.
      expect(await count(2)).toBe(6);
      expect(await count(150)).toBe(6);
    });
  });
});
