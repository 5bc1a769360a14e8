import { describe, expect, it } from 'vitest';
import { decimalString } from './money.ts';
import { originRuns, PortfolioExportSchema, saleInput } from './portfolio-export.ts';

describe('decimalString', () => {
  it('writes minor units as the exact decimal of the currency', () => {
    expect(decimalString(10010, 'USD')).toBe('100.10');
    expect(decimalString(5, 'EUR')).toBe('0.05');
    expect(decimalString(0, 'USD')).toBe('0.00');
    expect(decimalString(-250, 'USD')).toBe('-2.50');
    expect(decimalString(1500, 'JPY')).toBe('1500');
    expect(decimalString(1234, 'KWD')).toBe('1.234');
  });
});

describe('originRuns', () => {
  it('groups consecutive rows of one origin and keeps their indexes and order', () => {
    const rows = [
      { origin: 'manual' as const },
      { origin: 'manual' as const },
      { origin: 'order' as const },
      { origin: 'manual' as const },
    ];
    expect(originRuns(rows).map((r) => [r.origin, r.indexes])).toEqual([
      ['manual', [0, 1]],
      ['order', [2]],
      ['manual', [3]],
    ]);
    expect(originRuns([])).toEqual([]);
  });
});

describe('saleInput', () => {
  const sale = {
    ref: 'sale_1',
    printing_id: null,
    lot_ref: 'lot_old',
    condition: 'NM' as const,
    grade: null,
    quantity: 1,
    proceeds: '10.00',
    fees: '0.00',
    currency: 'USD',
    sold_on: '2026-11-01',
    note: null,
    origin: 'manual' as const,
  };
  it('maps the exported lot of an item outside the catalogue to its new lot', () => {
    expect(saleInput(sale, new Map([['lot_old', 'lot_new']]))).toMatchObject({ lot_id: 'lot_new', proceeds: '10.00' });
  });
  it('an unknown lot ref becomes an empty lot id, which the ledger refuses with the field named', () => {
    expect(saleInput(sale, new Map())).toMatchObject({ lot_id: '' });
    expect(saleInput({ ...sale, printing_id: 'base1-4.holofoil', lot_ref: null }, new Map())).not.toHaveProperty(
      'lot_id',
    );
  });
});

describe('PortfolioExportSchema', () => {
  it('refuses another format or version, and amounts that are not decimal strings', () => {
    const doc = {
      format: 'cardquant.portfolio',
      format_version: 1,
      portfolio: {
        name: null,
        base_currency: 'USD',
        cost_method: 'fifo',
        preferred_market: 'tcgplayer',
        price_field: 'market',
      },
      watchlist: [],
      lots: [],
      sales: [],
    };
    expect(PortfolioExportSchema.safeParse(doc).success).toBe(true);
    expect(PortfolioExportSchema.safeParse({ ...doc, format_version: 2 }).success).toBe(false);
    expect(PortfolioExportSchema.safeParse({ ...doc, format: 'other' }).success).toBe(false);
    const lot = {
      ref: 'lot_1',
      printing_id: 'x',
      item_name: null,
      quantity: 1,
      unit_cost: 19.99,
      fees: '0',
      currency: 'USD',
      acquired_on: '2026-11-01',
      condition: 'NM',
      grade: null,
      note: null,
      manual_value: null,
      origin: 'manual',
    };
    expect(PortfolioExportSchema.safeParse({ ...doc, lots: [lot] }).success).toBe(false);
    expect(PortfolioExportSchema.safeParse({ ...doc, lots: [{ ...lot, unit_cost: '19.99' }] }).success).toBe(true);
  });
});
