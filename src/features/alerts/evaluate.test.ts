import { describe, expect, it } from 'vitest';
import { decide, type Observation, type RuleCondition, type RuleMemory } from './evaluate.ts';

const NOW = Date.parse('2026-11-21T06:00:00Z');
const tuning = { hysteresisPct: 2, cooldownMs: 24 * 3_600_000 };
const armed: RuleMemory = { state: 'armed', lastFiredAt: null, lastAction: null };
const fired: RuleMemory = { state: 'fired', lastFiredAt: '2026-11-20T06:00:00.000Z', lastAction: null };
const price = (priceMinor: number | null, excluded = false): Observation => ({
  priceMinor,
  changePct: null,
  excluded,
  action: null,
});
const change = (changePct: number | null, excluded = false): Observation => ({
  priceMinor: 100,
  changePct,
  excluded,
  action: null,
});
const signal = (action: string | null): Observation => ({ priceMinor: null, changePct: null, excluded: false, action });
const rule = (kind: RuleCondition['kind'], extra: Partial<RuleCondition> = {}): RuleCondition => ({
  kind,
  thresholdMinor: null,
  changePct: null,
  signalAction: null,
  ...extra,
});

describe('decide: the edge trigger', () => {
  const above = rule('price_above', { thresholdMinor: 10_000 });
  const below = rule('price_below', { thresholdMinor: 10_000 });

  it.each([
    ['price_above at the threshold fires', above, armed, price(10_000), 'fire'],
    ['price_above under the threshold waits', above, armed, price(9_999), 'none'],
    ['price_below at the threshold fires', below, armed, price(10_000), 'fire'],
    ['price_below over the threshold waits', below, armed, price(10_001), 'none'],
    ['a stale or flagged price never fires', above, armed, price(20_000, true), 'none'],
    ['no price never fires', above, armed, price(null), 'none'],
    ['fired and still true: no second firing', above, fired, price(12_000), 'none'],
    ['fired, false but inside the band (−2 %): stays fired', above, fired, price(9_800), 'none'],
    ['fired, false beyond the band: re-arms', above, fired, price(9_799), 'rearm'],
    ['price_below fired, inside the band (+2 %): stays fired', below, fired, price(10_200), 'none'],
    ['price_below fired, beyond the band: re-arms', below, fired, price(10_201), 'rearm'],
    ['fired with an excluded price: nothing changes', above, fired, price(1, true), 'none'],
  ] as const)('%s', (_, r, memory, seen, transition) => {
    expect(decide(r, memory, seen, tuning, NOW).transition).toBe(transition);
  });

  it('cooldown: an armed rule whose condition holds waits until the cooldown since its last firing passed', () => {
    const recent: RuleMemory = { state: 'armed', lastFiredAt: '2026-11-20T07:00:00.000Z', lastAction: null };
    expect(decide(above, recent, price(12_000), tuning, NOW).transition).toBe('none');
    expect(decide(above, recent, price(12_000), tuning, NOW + 3_600_000).transition).toBe('fire');
    expect(decide(above, recent, price(12_000), { ...tuning, cooldownMs: 0 }, NOW).transition).toBe('fire');
  });

  it('zero hysteresis re-arms as soon as the condition is false', () => {
    const noBand = { ...tuning, hysteresisPct: 0 };
    expect(decide(above, fired, price(9_999), noBand, NOW).transition).toBe('rearm');
    expect(decide(above, fired, price(10_000), noBand, NOW).transition).toBe('none');
  });

  const up = rule('change_above', { changePct: 10 });
  const down = rule('change_below', { changePct: 10 });
  it.each([
    ['change_above at +10 % fires', up, armed, change(10), 'fire'],
    ['change_above at +9.99 % waits', up, armed, change(9.99), 'none'],
    ['change_above with no change for the window waits', up, armed, change(null), 'none'],
    ['change_above on an excluded price waits', up, armed, change(50, true), 'none'],
    ['change_below at −10 % fires', down, armed, change(-10), 'fire'],
    ['change_below at +10 % waits (a fall is asked for)', down, armed, change(10), 'none'],
    ['change_above fired, +8 % (inside 2 points): stays fired', up, fired, change(8), 'none'],
    ['change_above fired, +7.9 %: re-arms', up, fired, change(7.9), 'rearm'],
    ['change_below fired, −8 %: stays fired', down, fired, change(-8), 'none'],
    ['change_below fired, −7.9 %: re-arms', down, fired, change(-7.9), 'rearm'],
  ] as const)('%s', (_, r, memory, seen, transition) => {
    expect(decide(r, memory, seen, tuning, NOW).transition).toBe(transition);
  });

  const toBuy = rule('signal_change', { signalAction: 'BUY' });
  const anyChange = rule('signal_change');
  it.each([
    ['to BUY: BUY fires', toBuy, armed, signal('BUY'), 'fire'],
    ['to BUY: HOLD waits', toBuy, armed, signal('HOLD'), 'none'],
    ['to BUY: no signal waits', toBuy, armed, signal(null), 'none'],
    ['to BUY fired: still BUY stays fired', toBuy, { ...fired, lastAction: 'BUY' }, signal('BUY'), 'none'],
    ['to BUY fired: HOLD re-arms', toBuy, { ...fired, lastAction: 'BUY' }, signal('HOLD'), 'rearm'],
    ['any change: first sight only records', anyChange, armed, signal('HOLD'), 'none'],
    ['any change: HOLD → SELL fires', anyChange, { ...armed, lastAction: 'HOLD' }, signal('SELL'), 'fire'],
    ['any change: unchanged waits', anyChange, { ...armed, lastAction: 'HOLD' }, signal('HOLD'), 'none'],
    ['any change fired: unchanged re-arms', anyChange, { ...fired, lastAction: 'SELL' }, signal('SELL'), 'rearm'],
    ['any change fired: changed again stays fired', anyChange, { ...fired, lastAction: 'SELL' }, signal('BUY'), 'none'],
  ] as const)('%s', (_, r, memory, seen, transition) => {
    expect(decide(r, memory, seen, tuning, NOW).transition).toBe(transition);
  });

  it('a signal rule remembers the action it saw; other rules keep theirs', () => {
    expect(decide(anyChange, armed, signal('HOLD'), tuning, NOW).lastAction).toBe('HOLD');
    expect(decide(anyChange, { ...armed, lastAction: 'BUY' }, signal(null), tuning, NOW).lastAction).toBe('BUY');
    expect(decide(above, armed, price(1), tuning, NOW).lastAction).toBeNull();
  });

  it('an any-change rule held back by the cooldown keeps its stored action, so the change fires once the cooldown passed', () => {
    const recent: RuleMemory = { state: 'armed', lastFiredAt: '2026-11-20T07:00:00.000Z', lastAction: 'HOLD' };
    const during = decide(anyChange, recent, signal('SELL'), tuning, NOW);
    expect(during).toEqual({ transition: 'none', condition: true, lastAction: 'HOLD' });
    const after = decide(
      anyChange,
      { ...recent, lastAction: during.lastAction },
      signal('SELL'),
      tuning,
      NOW + 3_600_000,
    );
    expect(after).toEqual({ transition: 'fire', condition: true, lastAction: 'SELL' });
    // Not held back (no change): the action seen is recorded as before.
    expect(decide(anyChange, recent, signal('HOLD'), tuning, NOW).lastAction).toBe('HOLD');
  });

  it('fires only on the edge over a sequence of days', () => {
    let memory: RuleMemory = armed;
    const transitions: string[] = [];
    let t = NOW;
    for (const p of [9_000, 10_500, 11_000, 9_900, 9_700, 10_100, 10_100]) {
      const d = decide(above, memory, price(p), tuning, t);
      transitions.push(d.transition);
      if (d.transition === 'fire') memory = { ...memory, state: 'fired', lastFiredAt: new Date(t).toISOString() };
      if (d.transition === 'rearm') memory = { ...memory, state: 'armed' };
      t += 24 * 3_600_000;
    }
    expect(transitions).toEqual(['none', 'fire', 'none', 'none', 'rearm', 'fire', 'none']);
  });
});
