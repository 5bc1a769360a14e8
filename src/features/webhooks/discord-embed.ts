/**
 * A Discord message for each delivery event: one embed (card, printing, market, price and
 * currency, change, date, threshold; a digest as one field per alert; a test ping as a short
 * message). Every value is escaped for Discord markdown and cut to Discord's embed limits
 * (title 256, description 4096, 25 fields of name 256 / value 1024, footer 2048, 6000 in all);
 * mentions are never parsed, so `@everyone` in a note pings no one.
 */
import type { AlertTriggeredData, DeliveryEvent } from '../../shared/delivery-events.ts';

export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  name: 256,
  value: 1024,
  footer: 2048,
  total: 6000,
};

interface Field {
  name: string;
  value: string;
  inline?: boolean;
}
export interface DiscordMessage {
  content?: string;
  embeds: {
    title: string;
    description?: string;
    color: number;
    timestamp: string;
    fields: Field[];
    footer: { text: string };
  }[];
  allowed_mentions: { parse: never[] };
}

/**
 * Escapes Discord markdown (and masked links) so a value shows as typed.
 *
 * @example
 * escapeMarkdown('*Charizard* [holo](x)'); // '\\*Charizard\\* \\[holo\\]\\(x\\)'
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_~`|>#\-[\]()<:!.=+{}]/g, (c) => `\\${c}`);
}

/** Cuts to `max` characters with an ellipsis, never inside an escape. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // An odd run of trailing backslashes would escape the ellipsis.
  const run = /\\+$/.exec(cut)?.[0].length ?? 0;
  if (run % 2 === 1) cut = cut.slice(0, -1);
  return `${cut}…`;
}

const esc = (v: unknown, max: number) => clip(escapeMarkdown(String(v)), max);
const money = (amount: number | null, currency: string | null) =>
  amount === null ? 'n/a' : `${amount}${currency ? ` ${currency}` : ''}`;
const pct = (v: number | null) => (v === null ? 'n/a' : `${v > 0 ? '+' : ''}${v} %`);

const KIND_TEXT: Record<AlertTriggeredData['kind'], string> = {
  price_above: 'Price rose above',
  price_below: 'Price fell below',
  change_above: 'Rose by at least',
  change_below: 'Fell by at least',
  signal_change: 'Signal changed',
};

function threshold(a: AlertTriggeredData): string {
  if (a.kind === 'price_above' || a.kind === 'price_below') return money(a.threshold, a.currency);
  if (a.kind === 'change_above' || a.kind === 'change_below')
    return `${a.threshold ?? 'n/a'} % over ${a.window_days ?? '?'} d`;
  return a.signal ? `${a.signal.previous ?? 'none'} → ${a.signal.action ?? 'none'}` : 'n/a';
}

function alertFields(a: AlertTriggeredData): Field[] {
  const fields: Field[] = [
    { name: 'Market', value: esc(a.market, EMBED_LIMITS.value), inline: true },
    { name: 'Price', value: esc(money(a.price, a.currency), EMBED_LIMITS.value), inline: true },
    { name: 'Change', value: esc(pct(a.change_pct), EMBED_LIMITS.value), inline: true },
    { name: 'Date', value: esc(a.as_of, EMBED_LIMITS.value), inline: true },
    { name: esc(KIND_TEXT[a.kind], EMBED_LIMITS.name), value: esc(threshold(a), EMBED_LIMITS.value), inline: true },
  ];
  if (a.note) fields.push({ name: 'Note', value: esc(a.note, EMBED_LIMITS.value) });
  return fields;
}

const cardTitle = (a: AlertTriggeredData) =>
  `${a.card.name} #${a.card.number} (${a.card.set_id})${a.printing.finish ? ` · ${a.printing.finish}` : ''}`;

/** One line per alert of a digest. */
function digestLine(a: AlertTriggeredData): Field {
  return {
    name: esc(cardTitle(a), EMBED_LIMITS.name),
    value: esc(
      `${KIND_TEXT[a.kind]} ${threshold(a)}: ${money(a.price, a.currency)} (${pct(a.change_pct)}) on ${a.market}, ${a.as_of}`,
      EMBED_LIMITS.value,
    ),
  };
}

function embedSize(e: DiscordMessage['embeds'][number]): number {
  return (
    e.title.length +
    (e.description?.length ?? 0) +
    e.footer.text.length +
    e.fields.reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/**
 * @example
 * discordMessage({ type: 'test.ping', timestamp: '2026-12-06T10:00:00.000Z', data: { endpoint_id: 'whe_…' } });
 */
export function discordMessage(event: DeliveryEvent): DiscordMessage {
  const base = { timestamp: event.timestamp, footer: { text: 'cardquant' }, fields: [] as Field[] };
  let embed: DiscordMessage['embeds'][number];
  switch (event.type) {
    case 'alert.triggered':
      embed = {
        ...base,
        title: esc(cardTitle(event.data), EMBED_LIMITS.title),
        color: event.data.kind.endsWith('below') ? 0xd9534f : 0x2e9e5b,
        fields: alertFields(event.data),
      };
      break;
    case 'alert.digest': {
      const lines = event.data.alerts.map(digestLine);
      const more = lines.length - (EMBED_LIMITS.fields - 1);
      embed = {
        ...base,
        title: esc(`Daily digest ${event.data.date}: ${event.data.alerts.length} alert(s)`, EMBED_LIMITS.title),
        color: 0x3b82f6,
        fields:
          more > 1 ? [...lines.slice(0, EMBED_LIMITS.fields - 1), { name: 'More', value: `and ${more} more` }] : lines,
      };
      break;
    }
    case 'test.ping':
      embed = {
        ...base,
        title: 'Test ping',
        description: esc(`This Discord webhook receives cardquant alerts (endpoint ${event.data.endpoint_id}).`, 4096),
        color: 0x6b7280,
      };
      break;
    case 'endpoint.disabled':
      embed = {
        ...base,
        title: 'Endpoint disabled',
        description: esc(`${event.data.host}: ${event.data.reason}`, EMBED_LIMITS.description),
        color: 0x6b7280,
      };
      break;
    case 'slo.firing':
    case 'slo.resolved': {
      const d = event.data;
      const rates = d.burn_rates.map((r) => `${r.window_minutes} min: ${r.rate.toFixed(1)}×`).join(', ');
      embed = {
        ...base,
        title: esc(`${event.type === 'slo.firing' ? 'SLO' : 'Resolved'} ${d.severity}: ${d.slo}`, EMBED_LIMITS.title),
        description: esc(
          `Target ${d.target}; error budget remaining ${(d.budget_remaining * 100).toFixed(1)} %; burn rates ${rates}.`,
          EMBED_LIMITS.description,
        ),
        color: event.type === 'slo.resolved' ? 0x2e9e5b : d.severity === 'page' ? 0xd9534f : 0xf0ad4e,
      };
      break;
    }
    default:
      embed = { ...base, title: esc(event.type, EMBED_LIMITS.title), color: 0x6b7280 };
  }
  // Within the 6000-character total: the last fields go first.
  while (embedSize(embed) > EMBED_LIMITS.total && embed.fields.length > 0) embed.fields.pop();
  return { embeds: [embed], allowed_mentions: { parse: [] } };
}
