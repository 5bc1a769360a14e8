import { describe, expect, it } from 'vitest';
import { alertData, type FiredRule } from './alert-event.ts';

const firing = {
  id: 'alf_1',
  fired_at: '2026-11-21T00:00:00.000Z',
  as_of: '2026-11-20',
  printing_key: 1,
  market: 'tcgplayer',
  currency: 'USD',
  price_minor: 14_000,
  change_pct: 5.2631,
  from_date: '2026-11-13',
  from_price_minor: 13_300,
  previous_action: 'HOLD',
  action: 'BUY',
  digest_delivery_id: null,
};
const rule = (kind: FiredRule['kind']): FiredRule => ({
  id: 'alr_1',
  kind,
  note: null,
  threshold_minor: 13_950,
  change_pct: 5,
  window_days: 7,
});

describe('alertData', () => {
  it('states a price rule’s threshold in major units and carries no signal', () => {
    const data = alertData(rule('price_above'), firing, undefined);
    expect([data.price, data.threshold, data.from_price, data.signal]).toEqual([140, 139.5, 133, null]);
  });

  it('states a change rule’s threshold in percent and a signal rule’s actions', () => {
    expect(alertData(rule('change_below'), firing, undefined).threshold).toBe(5);
    const signal = alertData(rule('signal_change'), firing, undefined);
    expect([signal.threshold, signal.signal]).toEqual([null, { previous: 'HOLD', action: 'BUY' }]);
  });

  it('leaves money out when the firing has no currency, and names no card it cannot find', () => {
    const data = alertData(rule('price_below'), { ...firing, currency: null }, undefined);
    expect([data.price, data.threshold, data.from_price]).toEqual([null, null, null]);
    expect(data.card).toEqual({ id: '', name: '', set_id: '', number: '', image_url: null });
    expect(data.printing).toEqual({ id: '', finish: null });
  });
});
