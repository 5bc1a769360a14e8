import { describe, expect, it } from 'vitest';
import { drawdowns } from './drawdown.ts';

describe('drawdowns', () => {
  it('a card that peaked at 120, fell to 90 and recovered to 110', () => {
    expect(drawdowns([100, 120, 90, 110])).toEqual({
      current: 110 / 120 - 1,
      max: -0.25,
      peakIndex: 1,
      troughIndex: 2,
      currentPeakIndex: 1,
    });
  });

  it('a later, deeper fall from a repeated peak is measured from the first time the peak was reached', () => {
    expect(drawdowns([10, 12, 6, 9, 12, 11, 3, 4])).toEqual({
      current: 4 / 12 - 1,
      max: -0.75,
      peakIndex: 1,
      troughIndex: 6,
      currentPeakIndex: 1,
    });
  });

  it('a price that never falls has no drawdown, measured at its first price', () => {
    expect(drawdowns([1, 1, 2, 3.5, 8])).toEqual({
      current: 0,
      max: 0,
      peakIndex: 0,
      troughIndex: 0,
      currentPeakIndex: 4,
    });
  });

  it('gaps, zeros and negative prices are skipped; indexes still point into the input', () => {
    // Usable: 1 → 50, 3 → 40, 5 → 60, 6 → 30.
    expect(drawdowns([Number.NaN, 50, 0, 40, -1, 60, 30, Number.POSITIVE_INFINITY])).toEqual({
      current: -0.5,
      max: -0.5,
      peakIndex: 5,
      troughIndex: 6,
      currentPeakIndex: 5,
    });
  });

  it('no usable price: zero drawdowns and indexes −1', () => {
    const none = { current: 0, max: 0, peakIndex: -1, troughIndex: -1, currentPeakIndex: -1 };
    expect(drawdowns([])).toEqual(none);
    expect(drawdowns([Number.NaN, 0])).toEqual(none);
  });
});
