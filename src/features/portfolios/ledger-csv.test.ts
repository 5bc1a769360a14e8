import { describe, expect, it } from 'vitest';
import type { LotRow, SaleRow } from './ledger.repo.ts';
import { decimalString } from './money.ts';
import { headerProblems, lotCsvRow, readLotRecord, readSaleRecord, saleCsvRow } from './ledger-csv.ts';

const TODAY = '2026-11-25';

describe('decimalString for export cells', () => {
  it("writes minor units with exactly the currency's digits, from the integer", () => {
    expect(decimalString(1999, 'USD')).toBe('19.99');
    expect(decimalString(5, 'USD')).toBe('0.05');
    expect(decimalString(0, 'EUR')).toBe('0.00');
    expect(decimalString(100_000_000_001, 'USD')).toBe('1000000000.01');
    expect(decimalString(1999, 'JPY')).toBe('1999');
    expect(decimalString(1234, 'KWD')).toBe('1.234');
  });
});

describe('export rows', () => {
  const lot: LotRow = {
    id: 'lot_1',
    portfolio_id: 'pf_1',
    printing_key: null,
    item_name: 'Booster box',
    quantity: 1,
    unit_cost_minor: 900000,
    fees_minor: 0,
    currency: 'USD',
    acquired_on: '2026-10-01',
    condition: 'NM',
    grade_company: null,
    grade: null,
    note: null,
    manual_value_minor: null,
    manual_value_on: null,
    origin: 'manual',
    created_at: '2026-11-25T12:00:00.000Z',
    updated_at: '2026-11-25T12:00:00.000Z',
  };

  it('leaves the card cells and an absent manual value empty for an item outside the catalogue', () => {
    expect(lotCsvRow(lot, undefined)).toEqual([
      'lot_1',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'Booster box',
      1,
      '9000.00',
      '0.00',
      'USD',
      '2026-10-01',
      'NM',
      null,
      null,
      null,
      null,
      null,
      'manual',
      '2026-11-25T12:00:00.000Z',
    ]);
  });

  it('names the printing and its card for a sale of a printing', () => {
    const sale: SaleRow = {
      id: 'sale_1',
      portfolio_id: 'pf_1',
      printing_key: 7,
      condition: 'LP',
      grade_company: null,
      grade: null,
      lot_id: null,
      quantity: 2,
      proceeds_minor: 84000,
      fees_minor: 1260,
      currency: 'USD',
      sold_on: '2026-11-10',
      note: null,
      origin: 'manual',
      created_at: '2026-11-25T12:00:00.000Z',
    };
    const printing = {
      key: 7,
      id: 'base1-4.holofoil',
      card_id: 'base1-4',
      finish: 'holofoil',
      name: 'Charizard',
      set_id: 'base1',
      number: '4',
      kind: 'card' as const,
    };
    expect(saleCsvRow(sale, printing).slice(0, 12)).toEqual([
      'sale_1',
      'base1-4.holofoil',
      'Charizard',
      'base1',
      '4',
      'holofoil',
      null,
      2,
      '840.00',
      '12.60',
      'USD',
      '2026-11-10',
    ]);
  });
});

describe('headerProblems', () => {
  it('accepts the export header and a minimal one', () => {
    expect(headerProblems('lots', ['printing_id', 'quantity', 'unit_cost', 'currency', 'acquired_on'], 'f')).toEqual(
      [],
    );
    expect(headerProblems('sales', ['lot_id', 'quantity', 'proceeds', 'currency', 'sold_on'], 'f')).toEqual([]);
  });

  it('names unknown, missing and repeated columns', () => {
    expect(headerProblems('lots', ['quantity', 'quantity', 'cost', 'currency'], 'f')).toEqual([
      {
        field: 'f',
        message: expect.stringMatching(/^has unknown columns "cost"; the columns are lot_id, printing_id/),
      },
      { field: 'f', message: 'lacks the columns unit_cost, acquired_on, printing_id or item_name' },
      { field: 'f', message: 'repeats the columns quantity' },
    ]);
    expect(headerProblems('sales', ['item_name', 'quantity', 'proceeds', 'currency', 'sold_on'], 'f')).toEqual([
      { field: 'f', message: expect.stringMatching(/^has unknown columns "item_name"/) },
      { field: 'f', message: 'lacks the columns printing_id or lot_id' },
    ]);
  });
});

const LOT_HEADERS = [
  'lot_id',
  'printing_id',
  'item_name',
  'quantity',
  'unit_cost',
  'fees',
  'currency',
  'acquired_on',
  'condition',
  'grade_company',
  'grade',
  'manual_value',
  'manual_value_on',
  'note',
];

describe('readLotRecord', () => {
  const read = (cells: string[]) => readLotRecord(LOT_HEADERS, cells, TODAY);

  it('reads a full row, ignoring the lot id and unescaping text cells', () => {
    expect(
      read([
        'lot_X',
        '',
        'Slab',
        '1',
        '100.00',
        '1.50',
        'usd',
        '2026-11-01',
        'lp',
        'PSA',
        '10',
        '150',
        '2026-11-20',
        "'=x",
      ]),
    ).toEqual({
      input: {
        item_name: 'Slab',
        quantity: 1,
        unit_cost: '100.00',
        fees: '1.50',
        currency: 'USD',
        acquired_on: '2026-11-01',
        condition: 'LP',
        grade: { company: 'PSA', grade: '10' },
        note: '=x',
        manual_value: { unit_value: '150', as_of: '2026-11-20' },
      },
      errors: [],
    });
  });

  it('defaults fees, condition, grade, note and manual value when their cells are empty', () => {
    expect(read(['', 'base1-4.holofoil', '', '2', '5', '', 'EUR', '2026-11-01', '', '', '', '', '', ''])).toEqual({
      input: {
        printing_id: 'base1-4.holofoil',
        quantity: 2,
        unit_cost: '5',
        currency: 'EUR',
        acquired_on: '2026-11-01',
        grade: null,
        note: null,
        manual_value: null,
      },
      errors: [],
    });
  });

  it('lists every bad cell', () => {
    const { input, errors } = read([
      '',
      '',
      '',
      'x',
      '1.999',
      '-1',
      'XYZ',
      '2026-11-31',
      'mint',
      'PSA',
      '',
      '',
      '2026-12-01',
      '',
    ]);
    expect(input).toBeNull();
    expect(errors).toEqual([
      { field: 'printing_id', message: 'give printing_id, or item_name for an item outside the catalogue' },
      { field: 'quantity', message: 'must be a whole number' },
      { field: 'currency', message: 'is not an ISO 4217 currency' },
      { field: 'unit_cost', message: 'has more decimals than USD has (2)' },
      { field: 'fees', message: 'must be a non-negative decimal number such as 19.99' },
      { field: 'acquired_on', message: 'must be a date YYYY-MM-DD' },
      { field: 'manual_value_on', message: 'must not be after today (2026-11-25)' },
      { field: 'manual_value', message: 'goes with the other' },
      { field: 'condition', message: 'must be one of NM, LP, MP, HP, DMG' },
      { field: 'grade', message: 'goes with the other' },
    ]);
  });

  it('refuses text longer than the API accepts', () => {
    const long = read([
      '',
      '',
      'x'.repeat(201),
      '1',
      '1',
      '',
      'USD',
      '2026-11-01',
      '',
      'P'.repeat(21),
      '1'.repeat(11),
      '',
      '',
      'n'.repeat(1001),
    ]);
    expect(long.errors.map((e) => e.field)).toEqual(['item_name', 'grade_company', 'grade', 'note']);
  });

  it('refuses a zero quantity and missing required cells', () => {
    expect(read(['', 'p', '', '0', '', '', '', '', '', '', '', '', '', '']).errors).toEqual([
      { field: 'quantity', message: 'must be greater than 0' },
      { field: 'currency', message: 'is required' },
      { field: 'unit_cost', message: 'is required' },
      { field: 'acquired_on', message: 'is required' },
    ]);
  });
});

describe('readSaleRecord', () => {
  const headers = [
    'sale_id',
    'printing_id',
    'lot_id',
    'quantity',
    'proceeds',
    'fees',
    'currency',
    'sold_on',
    'condition',
    'note',
  ];

  it('reads a sale of a lot outside the catalogue, and one of a printing', () => {
    expect(readSaleRecord(headers, ['s', '', 'lot_1', '1', '10', '', 'USD', '2026-11-02', '', ''], TODAY)).toEqual({
      input: {
        lot_id: 'lot_1',
        quantity: 1,
        proceeds: '10',
        currency: 'USD',
        sold_on: '2026-11-02',
        grade: null,
        note: null,
      },
      errors: [],
    });
    expect(
      readSaleRecord(headers, ['s', 'base1-4.holofoil', '', '2', '10', '0.5', 'USD', '2026-11-02', 'HP', 'n'], TODAY)
        .input,
    ).toMatchObject({ printing_id: 'base1-4.holofoil', fees: '0.5', condition: 'HP', note: 'n' });
  });

  it('needs a printing or a lot, and a sale date not after today', () => {
    expect(readSaleRecord(headers, ['', '', '', '1', '10', '', 'USD', '2026-11-26', '', ''], TODAY).errors).toEqual([
      { field: 'printing_id', message: 'give printing_id, or lot_id for an item outside the catalogue' },
      { field: 'sold_on', message: 'must not be after today (2026-11-25)' },
    ]);
  });
});
