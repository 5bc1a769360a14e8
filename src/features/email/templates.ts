/**
 * Text and HTML bodies of every e-mail the outbox sends, rendered from the delivery row (its
 * event payload and its sealed link tokens). Every interpolated value is HTML-escaped (card names
 * come from upstream) and subject lines are one line without control characters.
 */
import { headerText, html, type RawHtml } from '../../platform/html.ts';
import type {
  AlertDigestEvent,
  AlertTriggeredData,
  AlertTriggeredEvent,
  DeliveryEvent,
  EndpointDisabledEvent,
  SealedLinks,
  SubscriberConfirmEvent,
} from '../../shared/delivery-events.ts';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** The absolute links an e-mail carries (built from PUBLIC_URL). */
export interface MailLinks {
  manage?: string;
  unsubscribe?: string;
  confirm?: string;
}

/** Builds a mail's links from PUBLIC_URL and the delivery's sealed tokens. */
export function mailLinks(publicUrl: string, sealed: SealedLinks): MailLinks {
  const base = publicUrl.replace(/\/+$/, '');
  const links: MailLinks = {};
  if (sealed.manage_token) links.manage = `${base}/v1/subscriptions/manage/${sealed.manage_token}`;
  if (sealed.unsubscribe_token) links.unsubscribe = `${base}/v1/unsubscribe/${sealed.unsubscribe_token}`;
  if (sealed.confirm_token) links.confirm = `${base}/v1/subscriptions/confirm/${sealed.confirm_token}`;
  return links;
}

/** `12.50 USD`, or `—` for a missing price (a gap is never shown as a number). */
export function money(amount: number | null, currency: string | null): string {
  if (amount === null || !Number.isFinite(amount)) return '—';
  return `${amount.toFixed(2)}${currency ? ` ${currency}` : ''}`;
}

function pct(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return `${value > 0 ? '+' : ''}${value.toFixed(2)} %`;
}

/** What happened, in one sentence (no card name). */
export function describeAlert(a: AlertTriggeredData): string {
  switch (a.kind) {
    case 'price_above':
      return `price ${money(a.price, a.currency)} is above ${money(a.threshold, a.currency)}`;
    case 'price_below':
      return `price ${money(a.price, a.currency)} is below ${money(a.threshold, a.currency)}`;
    case 'change_above':
    case 'change_below':
      return `changed ${pct(a.change_pct)} over ${a.window_days ?? '?'} days (threshold ${a.threshold ?? '?'} %)`;
    case 'signal_change':
      return `signal changed from ${a.signal?.previous ?? 'none'} to ${a.signal?.action ?? 'none'}`;
  }
}

function cardLabel(a: AlertTriggeredData): string {
  return `${a.card.name} (${a.card.set_id} ${a.card.number}${a.printing.finish ? `, ${a.printing.finish}` : ''})`;
}

function alertLines(a: AlertTriggeredData): string[] {
  const lines = [
    `${cardLabel(a)} on ${a.market}: ${describeAlert(a)}.`,
    `Price on ${a.as_of}: ${money(a.price, a.currency)}`,
  ];
  if (a.from_date !== null) lines.push(`Compared with ${money(a.from_price, a.currency)} on ${a.from_date}`);
  if (a.change_pct !== null) lines.push(`Change: ${pct(a.change_pct)}`);
  if (a.note) lines.push(`Your note: ${a.note}`);
  return lines;
}

function alertHtml(a: AlertTriggeredData): RawHtml {
  return html`<table role="presentation">
    <tr>
      <th align="left">Card</th>
      <td>${cardLabel(a)}</td>
    </tr>
    <tr>
      <th align="left">Market</th>
      <td>${a.market}</td>
    </tr>
    <tr>
      <th align="left">What happened</th>
      <td>${describeAlert(a)}</td>
    </tr>
    <tr>
      <th align="left">Price on ${a.as_of}</th>
      <td>${money(a.price, a.currency)}</td>
    </tr>
    ${
      a.from_date !== null
        ? html`<tr>
            <th align="left">Compared with</th>
            <td>${money(a.from_price, a.currency)} on ${a.from_date}</td>
          </tr>`
        : html``
    }
    ${
      a.change_pct !== null
        ? html`<tr>
            <th align="left">Change</th>
            <td>${pct(a.change_pct)}</td>
          </tr>`
        : html``
    }
    ${
      a.note
        ? html`<tr>
            <th align="left">Your note</th>
            <td>${a.note}</td>
          </tr>`
        : html``
    }
  </table>`;
}

function footerText(links: MailLinks): string[] {
  const lines = ['--'];
  if (links.manage) lines.push(`Manage your alerts: ${links.manage}`);
  if (links.unsubscribe) lines.push(`Unsubscribe (one click): ${links.unsubscribe}`);
  return lines;
}

function footerHtml(links: MailLinks): RawHtml {
  return html`<hr />
    <p>
      ${links.manage ? html`<a href="${links.manage}">Manage your alerts</a>` : html``}${
        links.manage && links.unsubscribe ? html` · ` : html``
      }${links.unsubscribe ? html`<a href="${links.unsubscribe}">Unsubscribe</a>` : html``}
    </p>`;
}

function document(title: string, body: RawHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
      </head>
      <body>
        ${body}
      </body>
    </html> `.value;
}

function triggered(e: AlertTriggeredEvent, links: MailLinks): RenderedMail {
  const a = e.data;
  const subject = headerText(`${a.card.name}: ${describeAlert(a)}`);
  const text = [...alertLines(a), '', ...footerText(links)].join('\n');
  const body = html`<h1>${a.card.name}</h1>
    ${alertHtml(a)} ${footerHtml(links)}`;
  return { subject, text: `${text}\n`, html: document(subject, body) };
}

function digest(e: AlertDigestEvent, links: MailLinks): RenderedMail {
  const omitted = e.data.omitted ?? 0;
  const n = e.data.alerts.length + omitted;
  const subject = headerText(`Your cardquant alerts for ${e.data.date}: ${n} ${n === 1 ? 'alert' : 'alerts'}`);
  // A digest lists at most its latest firings; the older ones are counted, not listed.
  const more = omitted > 0 ? `and ${omitted} more ${omitted === 1 ? 'alert' : 'alerts'} (older, not listed).` : null;
  const text = [
    `${n} ${n === 1 ? 'alert' : 'alerts'} fired on ${e.data.date}.`,
    '',
    ...e.data.alerts.flatMap((a) => [...alertLines(a), '']),
    ...(more === null ? [] : [more, '']),
    ...footerText(links),
  ].join('\n');
  const body = html`<h1>Your alerts for ${e.data.date}</h1>
    ${e.data.alerts.map(
      (a) =>
        html`<h2>${a.card.name}</h2>
          ${alertHtml(a)}`,
    )}
    ${more === null ? html`` : html`<p>${more}</p>`} ${footerHtml(links)}`;
  return { subject, text: `${text}\n`, html: document(subject, body) };
}

function confirm(e: SubscriberConfirmEvent, links: MailLinks): RenderedMail {
  const subject = 'Confirm your cardquant alert subscription';
  const link = links.confirm ?? '';
  const text = [
    `Someone (hopefully you) asked to send cardquant price alerts to ${e.data.address}.`,
    `To confirm, open this link and press the button: ${link}`,
    '',
    'If you did not ask for this, ignore this e-mail: nothing more will be sent to this address.',
  ].join('\n');
  const body = html`<p>Someone (hopefully you) asked to send cardquant price alerts to ${e.data.address}.</p>
    <p><a href="${link}">Confirm the subscription</a></p>
    <p>If you did not ask for this, ignore this e-mail: nothing more will be sent to this address.</p>`;
  return { subject, text: `${text}\n`, html: document(subject, body) };
}

function endpointDisabled(e: EndpointDisabledEvent, links: MailLinks): RenderedMail {
  const d = e.data;
  const subject = headerText(`Webhook endpoint ${d.host} was disabled`);
  const text = [
    `Your webhook endpoint ${d.endpoint_id} (${d.host}) was disabled: ${d.reason}.`,
    d.failing_since ? `It had been failing since ${d.failing_since}.` : '',
    'Re-enable it through the API once it answers again.',
    '',
    ...footerText(links),
  ].join('\n');
  const body = html`<p>Your webhook endpoint ${d.endpoint_id} (${d.host}) was disabled: ${d.reason}.</p>
    ${d.failing_since ? html`<p>It had been failing since ${d.failing_since}.</p>` : html``}
    <p>Re-enable it through the API once it answers again.</p>
    ${footerHtml(links)}`;
  return { subject, text: `${text}\n`, html: document(subject, body) };
}

/** Renders one event; throws for an event type e-mail does not carry (a corrupt or foreign row). */
export function renderMail(event: DeliveryEvent, links: MailLinks): RenderedMail {
  switch (event.type) {
    case 'alert.triggered':
      return triggered(event, links);
    case 'alert.digest':
      return digest(event, links);
    case 'subscriber.confirm':
      return confirm(event, links);
    case 'endpoint.disabled':
      return endpointDisabled(event, links);
    default:
      throw new Error(`e-mail cannot carry event type ${(event as { type: string }).type}`);
  }
}
