import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../platform/errors.ts';
import {
  countReport,
  MAX_CANDIDATES,
  readCollectionRecord,
  reportRow,
  resolveMapping,
  type CollectionField,
} from './collection-import.ts';
import type { CandidatePrinting } from './collection-match.repo.ts';

const OPTS = { currency: 'USD', dateFormat: 'YYYY-MM-DD' as const, defaultDate: '2026-01-01', today: '2026-11-25' };

describe('resolveMapping', () => {
  const headers = ['Quantity', 'Name', ' Price ', 'price'];

  it('finds each mapped header exactly, else the one equal ignoring case and spaces', () => {
    const columns = resolveMapping(headers, { quantity: 'quantity', name: 'Name', price: 'price' });
    expect([...columns]).toEqual([
      ['name', 1],
      ['quantity', 0],
      ['price', 3],
    ]);
  });

  it('lists a missing price mapping and every header the file lacks, including an ambiguous loose match', () => {
    const headersTwice = ['PRICE', 'Price', 'Name'];
    try {
      resolveMapping(headersTwice, { name: 'Card', price: 'price' });
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationFailed);
      expect((err as ValidationFailed).extra.fields!.map((f) => f.field)).toEqual([
        'body.mapping.name',
        'body.mapping.price',
      ]);
    }
    expect(() => resolveMapping(headers, { name: 'Name' })).toThrow(ValidationFailed);
  });
});

describe('readCollectionRecord', () => {
  const columns = (fields: CollectionField[]) => new Map(fields.map((f, i) => [f, i]));

  it('defaults quantity to 1 without a quantity column, condition to NM and the date to the default', () => {
    const read = readCollectionRecord(['Pikachu', '1.00'], columns(['name', 'price']), OPTS);
    expect(read).toMatchObject({
      quantity: 1,
      condition: 'NM',
      unitCost: '1.00',
      acquiredOn: '2026-01-01',
      errors: [],
    });
    expect(read.identity).toEqual({
      productId: null,
      set: null,
      number: null,
      finish: null,
      name: { raw: 'Pikachu', key: 'pikachu', number: null },
    });
  });

  it('takes the finish from a TCGplayer condition, and the number from the name when there is no number column', () => {
    const read = readCollectionRecord(
      ['Charizard ex - 125/197', 'Near Mint Reverse Holofoil', '2.00'],
      columns(['name', 'condition', 'price']),
      OPTS,
    );
    expect(read.condition).toBe('NM');
    expect(read.identity).toMatchObject({ finish: 'reverse-holofoil', number: { key: '125', printedTotal: 197 } });
  });

  it('prefers the finish column over the condition suffix', () => {
    const read = readCollectionRecord(
      ['Holofoil', 'Lightly Played Reverse Holofoil', '2.00'],
      columns(['finish', 'condition', 'price']),
      OPTS,
    );
    expect(read).toMatchObject({ condition: 'LP', identity: { finish: 'holofoil' } });
  });

  it('lists every cell it cannot read', () => {
    const read = readCollectionRecord(
      ['abc', '1/2/3', 'Cosmos', 'Slightly worn', '', '', 'not-a-date'],
      columns(['tcgplayer_product_id', 'number', 'finish', 'condition', 'quantity', 'price', 'date']),
      OPTS,
    );
    expect(read.errors).toEqual([
      { field: 'finish', message: '"Cosmos" is not a finish this import knows' },
      { field: 'condition', message: '"Slightly worn" is not a condition (NM, LP, MP, HP, DMG)' },
      { field: 'tcgplayer_product_id', message: 'must be a whole number' },
      { field: 'number', message: 'is not a card number' },
      { field: 'quantity', message: 'must be a whole number greater than 0' },
      { field: 'price', message: 'is required' },
      { field: 'date', message: 'must be a date in the format YYYY-MM-DD' },
    ]);
  });

  it('reads amounts in the import currency exactly', () => {
    const jpy = readCollectionRecord(['1.5'], columns(['price']), { ...OPTS, currency: 'JPY' });
    expect(jpy.errors).toEqual([{ field: 'price', message: 'has more decimals than JPY has (0)' }]);
    expect(readCollectionRecord(['¥1,500'], columns(['price']), { ...OPTS, currency: 'JPY' }).errors).toEqual([]);
  });
});

describe('reportRow and countReport', () => {
  const printing = (id: string): CandidatePrinting => ({
    key: 1,
    id,
    card_id: 'c',
    finish: 'normal',
    tcgplayer_product_id: null,
    tcgplayer_group_id: null,
    product_line: null,
    card_name: 'Pikachu',
    set_id: 's',
    set_name: 'Set',
    number: '1',
  });
  const at = { row: 1, line: 2 };

  it('lists at most MAX_CANDIDATES candidates with their total', () => {
    const many = Array.from({ length: MAX_CANDIDATES + 2 }, (_, i) => printing(`p${i}`));
    const row = reportRow(at, { status: 'ambiguous', by: 'name', candidates: many }, []);
    expect(row.candidates).toHaveLength(MAX_CANDIDATES);
    expect(row.candidates_total).toBe(MAX_CANDIDATES + 2);
  });

  it('makes a row with cell problems invalid whatever it matched, and counts each status', () => {
    const problems = [{ field: 'quantity', message: 'x' }];
    const rows = [
      reportRow(at, { status: 'matched', by: 'name', printing: printing('a') }, problems),
      reportRow(at, { status: 'unmatched', reason: 'not_found', detail: 'd' }, problems),
      reportRow(at, { status: 'matched', by: 'product_id', printing: printing('b') }, []),
      reportRow(at, { status: 'unmatched', reason: 'unknown_set', detail: 'd' }, []),
    ];
    expect(rows.map((r) => [r.status, r.printing_id])).toEqual([
      ['invalid', 'a'],
      ['invalid', null],
      ['matched', 'b'],
      ['unmatched', null],
    ]);
    expect(countReport(rows)).toEqual({ rows: 4, matched: 1, ambiguous: 0, unmatched: 1, invalid: 2 });
  });
});
