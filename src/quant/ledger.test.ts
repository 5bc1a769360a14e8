import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holdingKey, mulDivRound, replayLedger, type LedgerLot, type LedgerSale } from './ledger.ts';

const lot = (id: string, date: string, quantity: number, cost: number, holding = 'h'): LedgerLot => ({
  id,
  holding,
  quantity,
  cost,
  date,
  seq: id,
});
const sale = (id: string, date: string, quantity: number, proceeds: number, holding = 'h'): LedgerSale => ({
  id,
  holding,
  quantity,
  proceeds,
  date,
  seq: id,
});

describe('replayLedger', () => {
  // Bought 2 at $10.00 + $1.00 fees (basis 2100), then 3 at $15.00 (basis 4500); sold 3 for $60.00.
  const lots = [lot('a', '2026-01-01', 2, 2100), lot('b', '2026-02-01', 3, 4500)];
  const sales = [sale('s', '2026-03-01', 3, 6000)];

  it('FIFO takes the oldest lot first: basis 2100 + 1500, gain 2400, 2 left at 3000', () => {
    const r = replayLedger(lots, sales, 'fifo');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.realized).toEqual([
      { saleId: 's', holding: 'h', date: '2026-03-01', quantity: 3, proceeds: 6000, cost: 3600, gain: 2400 },
    ]);
    expect(r.holdings.get('h')).toEqual({
      holding: 'h',
      quantity: 2,
      cost: 3000,
      lots: [{ id: 'b', quantity: 2, cost: 3000 }],
    });
  });

  it('average cost removes 3/5 of the pool (6600 × 3 / 5 = 3960), gain 2040, 2 left at 2640', () => {
    const r = replayLedger(lots, sales, 'average');
    if (!r.ok) throw new Error('oversell');
    expect(r.realized[0]).toMatchObject({ cost: 3960, gain: 2040 });
    expect(r.holdings.get('h')).toMatchObject({ quantity: 2, cost: 2640 });
    expect(r.holdings.get('h')!.lots.reduce((s, l) => s + l.cost, 0)).toBe(2640);
  });

  it('refuses a sale of more than is held on its date (a later purchase does not count)', () => {
    const r = replayLedger(
      [lot('a', '2026-01-01', 1, 100), lot('b', '2026-03-01', 5, 500)],
      [sale('s', '2026-02-01', 2, 1)],
      'fifo',
    );
    expect(r).toEqual({
      ok: false,
      oversell: { saleId: 's', holding: 'h', date: '2026-02-01', requested: 2, held: 1 },
    });
  });

  it('a lot and a sale on the same date: the lot comes first', () => {
    const r = replayLedger([lot('a', '2026-01-01', 1, 100)], [sale('s', '2026-01-01', 1, 150)], 'fifo');
    expect(r.ok && r.realized[0]!.gain).toBe(50);
    expect(r.ok && r.holdings.size).toBe(0);
  });

  it('until leaves later events out; another holding is separate', () => {
    const r = replayLedger([...lots, lot('c', '2026-01-05', 1, 10, 'other')], sales, 'fifo', '2026-02-15');
    expect(r.ok && r.realized).toEqual([]);
    expect(r.ok && [...r.holdings.keys()].sort()).toEqual(['h', 'other']);
  });

  it('a sale of a holding never bought is an oversell with 0 held', () => {
    expect(replayLedger([], [sale('s', '2026-01-01', 1, 1)], 'average')).toMatchObject({
      ok: false,
      oversell: { held: 0 },
    });
  });

  it('FIFO and average cost agree once everything is sold; realized + open basis = total basis', () => {
    const arb = fc.array(
      fc.record({ q: fc.integer({ min: 1, max: 20 }), unit: fc.integer({ min: 0, max: 100_000 }) }),
      {
        minLength: 1,
        maxLength: 8,
      },
    );
    fc.assert(
      fc.property(
        arb,
        fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 6 }),
        fc.integer({ min: 0, max: 1e7 }),
        (buys, sells, price) => {
          const ls = buys.map((b, i) => lot(`l${i}`, `2026-01-${String(i + 1).padStart(2, '0')}`, b.q, b.q * b.unit));
          const total = ls.reduce((s, l) => s + l.cost, 0);
          const held = ls.reduce((s, l) => s + l.quantity, 0);
          const partial: LedgerSale[] = [];
          let left = held;
          for (const [i, q] of sells.entries()) {
            if (q >= left) break;
            partial.push(sale(`s${i}`, `2026-02-${String(i + 1).padStart(2, '0')}`, q, q * price));
            left -= q;
          }
          const all = [...partial, sale('z', '2026-03-01', left, left * price)];
          for (const method of ['fifo', 'average'] as const) {
            const r = replayLedger(ls, partial, method);
            if (!r.ok) throw new Error('oversell');
            const open = r.holdings.get('h')?.cost ?? 0;
            expect(r.realized.reduce((s, x) => s + x.cost, 0) + open).toBe(total);
          }
          const gains = (['fifo', 'average'] as const).map((m) => {
            const r = replayLedger(ls, all, m);
            if (!r.ok) throw new Error('oversell');
            expect(r.holdings.size).toBe(0);
            return r.realized.reduce((s, x) => s + x.gain, 0);
          });
          expect(gains[0]).toBe(gains[1]);
        },
      ),
    );
  });
});

describe('holdingKey and mulDivRound', () => {
  it('names a printing in a condition and grade, or an item by its lot', () => {
    expect(holdingKey({ printingKey: 7, condition: 'NM' })).toBe('p7|NM|');
    expect(holdingKey({ printingKey: 7, condition: 'NM', gradeCompany: 'PSA', grade: '10' })).toBe('p7|NM|PSA 10');
    expect(holdingKey({ lotId: 'lot_1' })).toBe('lot:lot_1');
  });
  it('rounds half up exactly, beyond float range of the product', () => {
    expect(mulDivRound(5, 1, 2)).toBe(3);
    expect(mulDivRound(1_000_000_000_000, 999_999, 1_000_000)).toBe(999_999_000_000);
    expect(() => mulDivRound(1, 1, 0)).toThrow(RangeError);
  });
});
