import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeWeightedReturn, xirr, type NavDay } from './performance.ts';

const dateOf = (i: number): string => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10);
/** Daily gross returns of a held basket: −50 % … +100 %. */
const growth = fc.double({ min: 0.5, max: 2, noNaN: true });

/** A portfolio with no flows after its first day, valued by compounding the growth factors. */
function buyAndHold(start: number, factors: readonly number[]): NavDay[] {
  const days: NavDay[] = [{ date: dateOf(0), value: start, flow: start }];
  factors.forEach((g, i) => days.push({ date: dateOf(i + 1), value: days[i]!.value * g, flow: 0 }));
  return days;
}

describe('time-weighted return properties', () => {
  it('without flows it equals V_end / V_start − 1', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e7, noNaN: true }),
        fc.array(growth, { minLength: 1, maxLength: 60 }),
        (start, factors) => {
          const days = buyAndHold(start, factors);
          const twr = timeWeightedReturn(days).twr!;
          const expected = days.at(-1)!.value / start - 1;
          expect(Math.abs(twr - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected) + 1));
        },
      ),
    );
  });

  it('a cash flow at an unchanged price (a purchase or a sale at the day’s value) leaves it unchanged', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.array(growth, { minLength: 2, maxLength: 40 }),
        fc.nat(),
        fc.double({ min: -0.99, max: 10, noNaN: true }),
        (start, factors, at, share) => {
          const days = buyAndHold(start, factors);
          const withFlow = days.map((d) => ({ ...d }));
          // On day k the holding is scaled by (1 + share) from then on: the flow buys (share > 0) or
          // sells (share < 0) at exactly the value the day ends on.
          const k = 1 + (at % (days.length - 1));
          const flow = days[k]!.value * share;
          withFlow[k]!.flow += flow;
          for (let i = k; i < days.length; i++) withFlow[i]!.value = days[i]!.value * (1 + share);
          const a = timeWeightedReturn(days).twr!;
          const b = timeWeightedReturn(withFlow).twr!;
          expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-11 * (1 + Math.abs(a)));
        },
      ),
    );
  });

  it('in minor units, the index is never NaN, and TWR is null only when no day has a previous value', () => {
    const navDay = fc.record({
      value: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1e8 })),
      flow: fc.integer({ min: -1e8, max: 1e8 }),
    });
    fc.assert(
      fc.property(fc.array(navDay, { maxLength: 30 }), (rows) => {
        const twr = timeWeightedReturn(rows.map((r, i) => ({ date: dateOf(i), ...r })));
        expect(twr.days.every((d) => !Number.isNaN(d.index))).toBe(true);
        expect(twr.twr === null).toBe(rows.slice(0, -1).every((r) => r.value === 0));
      }),
    );
  });
});

describe('xirr properties', () => {
  it('a single investment returned with growth g over n days has rate g^(365/n) − 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.double({ min: 0.2, max: 5, noNaN: true }), (n, g) => {
        const irr = xirr([
          { date: dateOf(0), amount: -1000 },
          { date: dateOf(n), amount: 1000 * g },
        ]);
        const expected = g ** (365 / n) - 1;
        if (!Number.isFinite(expected)) return;
        expect(irr.reason).toBeNull();
        expect(Math.abs(irr.rate! - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
      }),
    );
  });

  it('never NaN: a number or null with a reason', () => {
    const flow = fc.record({
      day: fc.integer({ min: 0, max: 2000 }),
      amount: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(flow, { maxLength: 8 }), (flows) => {
        const irr = xirr(flows.map((f) => ({ date: dateOf(f.day), amount: f.amount })));
        if (irr.rate === null) expect(irr.reason).not.toBeNull();
        else expect(Number.isFinite(irr.rate) && irr.rate >= -1).toBe(true);
      }),
    );
  });
});
