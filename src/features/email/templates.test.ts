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
});
