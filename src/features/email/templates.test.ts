import { describe, expect, it } from 'vitest';
import type { AlertTriggeredData } from '../../shared/delivery-events.ts';
import { mailLinks, money, renderMail } from './templates.ts';

const HOSTILE = `<img src=x onerror=alert(1)> & "quoted" 'single'`;
const links = mailLinks('https://alerts.example.test/', {
  manage_token: 'cqm_manage',
  unsubscribe_token: 'cqu_unsub',
  confirm_token: 'cqc_confirm',
});

function alert(overrides: Partial<AlertTriggeredData> = {}): AlertTriggeredData {
  return {
    alert_id: 'alr_1',
    firing_id: 'alf_1',
    kind: 'change_below',
    note: HOSTILE,
    card: { id: 'c1', name: HOSTILE, set_id: 'sv1', number: '7', image_url: null },
    printing: { id: 'c1.normal', finish: null },
    market: 'cardmarket',
    as_of: '2026-11-24',
    price: 8,
    currency: 'EUR',
    threshold: 10,
    window_days: 7,
    change_pct: -12.5,
    from_date: '2026-11-17',
    from_price: 9.14,
    signal: null,
    ...overrides,
  };
}

/** No interpolated value reaches the HTML as markup. */
function expectEscaped(html: string) {
  expect(html).not.toContain('<img');
  expect(html).not.toContain(`"quoted"`);
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot; &#39;single&#39;');
}

describe('e-mail templates', () => {
  it('builds the links from PUBLIC_URL without a doubled slash', () => {
    expect(links).toEqual({
      manage: 'https://alerts.example.test/v1/subscriptions/manage/cqm_manage',
      unsubscribe: 'https://alerts.example.test/v1/unsubscribe/cqu_unsub',
      confirm: 'https://alerts.example.test/v1/subscriptions/confirm/cqc_confirm',
    });
  });

  it('renders a change alert with the price, the change, both dates, the threshold and both links', () => {
    const mail = renderMail({ type: 'alert.triggered', timestamp: 't', data: alert() }, links);
    expect(mail.text).toContain('changed -12.50 % over 7 days (threshold 10 %)');
    expect(mail.text).toContain('Price on 2026-11-24: 8.00 EUR');
    expect(mail.text).toContain('Compared with 9.14 EUR on 2026-11-17');
    expect(mail.text).toContain(`Manage your alerts: ${links.manage}`);
    expect(mail.text).toContain(`Unsubscribe (one click): ${links.unsubscribe}`);
    expect(mail.html).toContain(`<a href="${links.unsubscribe}">Unsubscribe</a>`);
    expectEscaped(mail.html);
  });

  it('a digest that lists only its latest alerts counts the others: "and N more"', () => {
    const mail = renderMail(
      { type: 'alert.digest', timestamp: 't', data: { date: '2026-11-24', alerts: [alert()], omitted: 30 } },
      links,
    );
    expect(mail.subject).toBe('Your cardquant alerts for 2026-11-24: 31 alerts');
    expect(mail.text).toContain('and 30 more alerts (older, not listed).');
    expect(mail.html).toContain('<p>and 30 more alerts (older, not listed).</p>');
    expect(mail.html.match(/<h2>/g)).toHaveLength(1);
  });

  it('renders a digest listing every alert, escaped, with a one-line subject', () => {
    const mail = renderMail(
      {
        type: 'alert.digest',
        timestamp: 't',
        data: {
          date: '2026-11-24',
          alerts: [
            alert(),
            alert({ kind: 'signal_change', signal: { previous: 'HOLD', action: 'BUY' }, change_pct: null }),
          ],
        },
      },
      links,
    );
    expect(mail.subject).toBe('Your cardquant alerts for 2026-11-24: 2 alerts');
    expect(mail.text).toContain('signal changed from HOLD to BUY');
    expect(mail.html.match(/<h2>/g)).toHaveLength(2);
    expectEscaped(mail.html);
  });

  it('keeps subjects on one line whatever the card name holds', () => {
    const mail = renderMail(
      {
        type: 'alert.triggered',
        timestamp: 't',
        data: alert({ card: { ...alert().card, name: 'A\r\nBcc: x@y\u2028z' } }),
      },
      links,
    );
    expect(mail.subject).not.toMatch(/[\r\n\u2028]/);
    expect(mail.subject.startsWith('A  Bcc: x@y z:')).toBe(true);
  });

  it('renders the confirmation and the endpoint-disabled notice escaped', () => {
    const confirm = renderMail(
      { type: 'subscriber.confirm', timestamp: 't', data: { address: 'a@example.test' } },
      links,
    );
    expect(confirm.text).toContain(links.confirm);
    expect(confirm.html).toContain(`href="${links.confirm}"`);
    const disabled = renderMail(
      {
        type: 'endpoint.disabled',
        timestamp: 't',
        data: {
          endpoint_id: 'whe_1',
          host: 'hooks.example.test',
          reason: HOSTILE,
          failing_since: '2026-11-20T00:00:00Z',
        },
      },
      links,
    );
    expect(disabled.subject).toBe('Webhook endpoint hooks.example.test was disabled');
    expectEscaped(disabled.html);
  });

  it('shows a missing price as a gap, never as a number', () => {
    expect(money(null, 'USD')).toBe('—');
    expect(money(1234.5, 'USD')).toBe('1234.50 USD');
  });

  it('refuses an event type e-mail does not carry', () => {
    expect(() => renderMail({ type: 'test.ping', timestamp: 't', data: { endpoint_id: 'x' } }, links)).toThrow(
      /test.ping/,
    );
  });

  it('renders a price fall with both prices, the finish and no change line when the change is unknown', () => {
    const mail = renderMail(
      {
        type: 'alert.triggered',
        timestamp: 't',
        data: alert({
          kind: 'price_below',
          note: null,
          card: { ...alert().card, name: 'Pikachu' },
          printing: { id: 'c1.holo', finish: 'holofoil' },
          price: 4.5,
          currency: 'USD',
          threshold: 5,
          change_pct: null,
          from_date: null,
          from_price: null,
        }),
      },
      links,
    );
    expect(mail.subject).toBe('Pikachu: price 4.50 USD is below 5.00 USD');
    expect(mail.text).toContain('Pikachu (sv1 7, holofoil) on cardmarket: price 4.50 USD is below 5.00 USD.');
    expect(mail.text).not.toContain('Change:');
    expect(mail.text).not.toContain('Compared with');
    expect(mail.text).not.toContain('Your note');
    expect(mail.html).toContain('<td>Pikachu (sv1 7, holofoil)</td>');
    expect(mail.html).not.toContain('>Change<');
    expect(mail.html).not.toContain('>Compared with<');
    expect(mail.html).not.toContain('>Your note<');
  });

  it('renders a price rise; a missing or non-finite price and a missing currency are shown honestly', () => {
    const mail = renderMail(
      {
        type: 'alert.triggered',
        timestamp: 't',
        data: alert({ kind: 'price_above', price: null, currency: null, threshold: 20, change_pct: 3 }),
      },
      links,
    );
    expect(mail.text).toContain('price — is above 20.00.');
    expect(mail.text).toContain('Price on 2026-11-24: —');
    expect(mail.text).toContain('Change: +3.00 %');
    expect(mail.text).toContain('Compared with 9.14 on 2026-11-17');
    expect(money(Number.NaN, 'USD')).toBe('—');
    expect(money(Number.POSITIVE_INFINITY, null)).toBe('—');
    expect(money(0, null)).toBe('0.00');
  });

  it('renders a change alert with an unknown window, threshold and a non-finite change as gaps', () => {
    const mail = renderMail(
      {
        type: 'alert.triggered',
        timestamp: 't',
        data: alert({ kind: 'change_above', window_days: null, threshold: null, change_pct: Number.NaN }),
      },
      links,
    );
    expect(mail.text).toContain('changed — over ? days (threshold ? %)');
    expect(mail.text).toContain('Change: —');
    const zero = renderMail(
      { type: 'alert.triggered', timestamp: 't', data: alert({ kind: 'change_above', change_pct: 0 }) },
      links,
    );
    expect(zero.text).toContain('changed 0.00 % over 7 days');
  });

  it('names a missing side of a signal change "none"', () => {
    const render = (signal: AlertTriggeredData['signal']) =>
      renderMail({ type: 'alert.triggered', timestamp: 't', data: alert({ kind: 'signal_change', signal }) }, links)
        .text;
    expect(render({ previous: null, action: 'BUY' })).toContain('signal changed from none to BUY');
    expect(render({ previous: 'SELL', action: null })).toContain('signal changed from SELL to none');
    expect(render(null)).toContain('signal changed from none to none');
  });

  it('shows only the links a delivery has, without a separator when one is missing', () => {
    const data = alert();
    const none = renderMail({ type: 'alert.triggered', timestamp: 't', data }, {});
    expect(none.text).toMatch(/\n--\n$/);
    expect(none.html).not.toContain('<a ');
    const manageOnly = renderMail(
      { type: 'alert.triggered', timestamp: 't', data },
      mailLinks('https://a.test', { manage_token: 'cqm_x' }),
    );
    expect(manageOnly.text).toContain('Manage your alerts: https://a.test/v1/subscriptions/manage/cqm_x');
    expect(manageOnly.text).not.toContain('Unsubscribe');
    expect(manageOnly.html).toContain('<a href="https://a.test/v1/subscriptions/manage/cqm_x">Manage your alerts</a>');
    expect(manageOnly.html).not.toContain(' · ');
    const unsubOnly = renderMail(
      { type: 'alert.triggered', timestamp: 't', data },
      mailLinks('https://a.test', { unsubscribe_token: 'cqu_y' }),
    );
    expect(unsubOnly.text).not.toContain('Manage your alerts');
    expect(unsubOnly.html).toContain('<a href="https://a.test/v1/unsubscribe/cqu_y">Unsubscribe</a>');
    expect(unsubOnly.html).not.toContain(' · ');
    const both = renderMail({ type: 'alert.triggered', timestamp: 't', data }, links);
    expect(both.html).toContain(' · ');
  });

  it('says "alert" for a digest of one and for one omitted alert', () => {
    const one = renderMail(
      { type: 'alert.digest', timestamp: 't', data: { date: '2026-11-24', alerts: [alert()] } },
      links,
    );
    expect(one.subject).toBe('Your cardquant alerts for 2026-11-24: 1 alert');
    expect(one.text.startsWith('1 alert fired on 2026-11-24.\n')).toBe(true);
    expect(one.text).not.toContain('more');
    const omittedOne = renderMail(
      { type: 'alert.digest', timestamp: 't', data: { date: '2026-11-24', alerts: [], omitted: 1 } },
      links,
    );
    expect(omittedOne.subject).toBe('Your cardquant alerts for 2026-11-24: 1 alert');
    expect(omittedOne.text).toContain('and 1 more alert (older, not listed).');
    expect(omittedOne.html).not.toContain('<h2>');
  });

  it('renders a confirmation without a link and a disabled endpoint without a failing-since date', () => {
    const confirm = renderMail({ type: 'subscriber.confirm', timestamp: 't', data: { address: 'a@example.test' } }, {});
    expect(confirm.subject).toBe('Confirm your cardquant alert subscription');
    expect(confirm.text).toContain('asked to send cardquant price alerts to a@example.test.');
    expect(confirm.html).toContain('<a href="">Confirm the subscription</a>');
    const disabled = renderMail(
      {
        type: 'endpoint.disabled',
        timestamp: 't',
        data: { endpoint_id: 'whe_1', host: 'hooks.example.test', reason: 'HTTP 410', failing_since: null },
      },
      {},
    );
    expect(disabled.text).toContain('Your webhook endpoint whe_1 (hooks.example.test) was disabled: HTTP 410.');
    expect(disabled.text).not.toContain('failing since');
    expect(disabled.html).not.toContain('failing since');
    const since = renderMail(
      {
        type: 'endpoint.disabled',
        timestamp: 't',
        data: { endpoint_id: 'whe_1', host: 'h', reason: 'r', failing_since: '2026-11-20T00:00:00Z' },
      },
      {},
    );
    expect(since.text).toContain('It had been failing since 2026-11-20T00:00:00Z.');
    expect(since.html).toContain('<p>It had been failing since 2026-11-20T00:00:00Z.</p>');
  });
});
