import { describe, expect, it } from 'vitest';
import { sampleAlert } from '#test/webhook-fixtures.ts';
import { clip, discordMessage, EMBED_LIMITS, escapeMarkdown } from './discord-embed.ts';

describe('Discord embeds', () => {
  it('escapes markdown, masked links and emoji syntax', () => {
    expect(escapeMarkdown('**bold** _it_ ~~s~~ `c` ||spoiler|| > q # h [a](b) :smile:')).toBe(
      '\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\`c\\` \\|\\|spoiler\\|\\| \\> q \\# h \\[a\\]\\(b\\) \\:smile\\:',
    );
  });

  it('cuts without leaving a dangling escape', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('ab\\*cd', 4)).toBe('ab…');
    expect(clip('abc', 3)).toBe('abc');
  });

  it('keeps a digest of 40 alerts within 25 fields and 6000 characters', () => {
    const alerts = Array.from({ length: 40 }, (_, i) =>
      sampleAlert({ note: 'n'.repeat(500), card: { ...sampleAlert().card, name: `Card ${'x'.repeat(300)} ${i}` } }),
    );
    const msg = discordMessage({
      type: 'alert.digest',
      timestamp: '2026-12-06T07:00:00.000Z',
      data: { date: '2026-12-05', alerts },
    });
    const [embed] = msg.embeds;
    expect(embed!.fields.length).toBeLessThanOrEqual(EMBED_LIMITS.fields);
    const size =
      embed!.title.length +
      embed!.footer.text.length +
      embed!.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(size).toBeLessThanOrEqual(EMBED_LIMITS.total);
    for (const f of embed!.fields) {
      expect(f.name.length).toBeLessThanOrEqual(EMBED_LIMITS.name);
      expect(f.value.length).toBeLessThanOrEqual(EMBED_LIMITS.value);
    }
  });

  it('gives a test ping a short message', () => {
    const msg = discordMessage({
      type: 'test.ping',
      timestamp: '2026-12-06T07:00:00.000Z',
      data: { endpoint_id: 'whe_1' },
    });
    expect(msg.embeds[0]!.title).toBe('Test ping');
    expect(msg.embeds[0]!.description).toContain('whe\\_1');
  });
});

describe('Discord embeds per alert kind', () => {
  const ts = '2026-12-06T07:00:00.000Z';
  const triggered = (overrides: Parameters<typeof sampleAlert>[0]) =>
    discordMessage({ type: 'alert.triggered', timestamp: ts, data: sampleAlert(overrides) }).embeds[0]!;
  const field = (embed: ReturnType<typeof triggered>, name: string) => embed.fields.find((f) => f.name === name)?.value;

  it('renders a price rise in green with card, finish, market, price, change, date and threshold', () => {
    const embed = triggered({});
    expect(embed.title).toBe('Charizard \\#4 \\(base1\\) · holofoil');
    expect(embed.color).toBe(0x2e9e5b);
    expect(embed.timestamp).toBe(ts);
    expect(field(embed, 'Market')).toBe('tcgplayer');
    expect(field(embed, 'Price')).toBe('412\\.5 USD');
    expect(field(embed, 'Change')).toBe('\\+3\\.1234 %');
    expect(field(embed, 'Date')).toBe('2026\\-12\\-05');
    expect(field(embed, 'Price rose above')).toBe('400 USD');
    expect(field(embed, 'Note')).toBeUndefined();
    expect(embed.fields).toHaveLength(5);
  });

  it('renders a price fall in red, without a finish, and a gap for a missing price, currency and change', () => {
    const embed = triggered({
      kind: 'price_below',
      printing: { id: 'base1-4.normal', finish: null },
      price: null,
      currency: null,
      threshold: 300,
      change_pct: null,
    });
    expect(embed.title).toBe('Charizard \\#4 \\(base1\\)');
    expect(embed.color).toBe(0xd9534f);
    expect(field(embed, 'Price')).toBe('n/a');
    expect(field(embed, 'Change')).toBe('n/a');
    expect(field(embed, 'Price fell below')).toBe('300');
  });

  it('renders a missing price threshold as a gap', () => {
    expect(field(triggered({ kind: 'price_above', threshold: null }), 'Price rose above')).toBe('n/a');
  });

  it('renders change kinds with a percent threshold and window, a negative change without a plus', () => {
    const up = triggered({ kind: 'change_above', threshold: 10, window_days: 7, change_pct: 12 });
    expect(up.color).toBe(0x2e9e5b);
    expect(field(up, 'Rose by at least')).toBe('10 % over 7 d');
    expect(field(up, 'Change')).toBe('\\+12 %');
    const down = triggered({ kind: 'change_below', threshold: null, window_days: null, change_pct: -12.5 });
    expect(down.color).toBe(0xd9534f);
    expect(field(down, 'Fell by at least')).toBe('n/a % over ? d');
    expect(field(down, 'Change')).toBe('\\-12\\.5 %');
    expect(field(triggered({ kind: 'change_above', change_pct: 0 }), 'Change')).toBe('0 %');
  });

  it('renders a signal change with the previous and new action, "none" for either missing, n/a without a signal', () => {
    const sig = (signal: { previous: string | null; action: string | null } | null) =>
      field(triggered({ kind: 'signal_change', signal }), 'Signal changed');
    expect(sig({ previous: 'HOLD', action: 'BUY' })).toBe('HOLD → BUY');
    expect(sig({ previous: null, action: 'SELL' })).toBe('none → SELL');
    expect(sig({ previous: 'BUY', action: null })).toBe('BUY → none');
    expect(sig(null)).toBe('n/a');
    expect(triggered({ kind: 'signal_change', signal: null }).color).toBe(0x2e9e5b);
  });

  it('adds the note escaped, and never lets a mention ping anyone', () => {
    const msg = discordMessage({
      type: 'alert.triggered',
      timestamp: ts,
      data: sampleAlert({ note: '@everyone *buy* now' }),
    });
    expect(msg.embeds[0]!.fields.at(-1)).toEqual({ name: 'Note', value: '@everyone \\*buy\\* now' });
    expect(msg.allowed_mentions).toEqual({ parse: [] });
    expect(msg.content).toBeUndefined();
  });

  it('clips every value of an oversized alert to its limit and still fits all six fields in 6000 characters', () => {
    const long = 'x'.repeat(2000);
    const embed = triggered({
      market: long,
      currency: long,
      as_of: long,
      note: long,
      card: { ...sampleAlert().card, name: long },
    });
    expect(embed.title).toHaveLength(EMBED_LIMITS.title);
    expect(embed.title.endsWith('…')).toBe(true);
    for (const name of ['Market', 'Price', 'Date', 'Price rose above', 'Note']) {
      expect(field(embed, name)).toHaveLength(EMBED_LIMITS.value);
      expect(field(embed, name)!.endsWith('…')).toBe(true);
    }
    const size =
      embed.title.length +
      embed.footer.text.length +
      embed.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(size).toBeLessThanOrEqual(EMBED_LIMITS.total);
    expect(embed.fields.map((f) => f.name)).toEqual(['Market', 'Price', 'Change', 'Date', 'Price rose above', 'Note']);
  });
});

describe('Discord digests and notices', () => {
  const ts = '2026-12-06T07:00:00.000Z';
  const digest = (alerts: ReturnType<typeof sampleAlert>[]) =>
    discordMessage({ type: 'alert.digest', timestamp: ts, data: { date: '2026-12-05', alerts } }).embeds[0]!;

  it('lists one line per alert with kind, threshold, price, change, market and date', () => {
    const embed = digest([
      sampleAlert(),
      sampleAlert({
        kind: 'signal_change',
        signal: { previous: null, action: 'BUY' },
        price: null,
        change_pct: null,
        printing: { id: 'p', finish: null },
      }),
    ]);
    expect(embed.title).toBe('Daily digest 2026\\-12\\-05\\: 2 alert\\(s\\)');
    expect(embed.color).toBe(0x3b82f6);
    expect(embed.fields).toEqual([
      {
        name: 'Charizard \\#4 \\(base1\\) · holofoil',
        value: 'Price rose above 400 USD\\: 412\\.5 USD \\(\\+3\\.1234 %\\) on tcgplayer, 2026\\-12\\-05',
      },
      {
        name: 'Charizard \\#4 \\(base1\\)',
        value: 'Signal changed none → BUY\\: n/a \\(n/a\\) on tcgplayer, 2026\\-12\\-05',
      },
    ]);
  });

  it('shows 25 alerts as 25 lines, and 26 as 24 lines and "and 2 more"', () => {
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => sampleAlert({ card: { ...sampleAlert().card, name: `C${i}` } }));
    const full = digest(many(25));
    expect(full.fields).toHaveLength(25);
    expect(full.fields.some((f) => f.name === 'More')).toBe(false);
    const over = digest(many(26));
    expect(over.fields).toHaveLength(25);
    expect(over.fields.at(-2)!.name).toBe('C23 \\#4 \\(base1\\) · holofoil');
    expect(over.fields.at(-1)).toEqual({ name: 'More', value: 'and 2 more' });
  });

  it('renders an empty digest with no fields', () => {
    const embed = digest([]);
    expect(embed.title).toBe('Daily digest 2026\\-12\\-05\\: 0 alert\\(s\\)');
    expect(embed.fields).toEqual([]);
  });

  it('tells the owner which endpoint was disabled and why', () => {
    const embed = discordMessage({
      type: 'endpoint.disabled',
      timestamp: ts,
      data: { endpoint_id: 'whe_1', host: 'hooks.example.test', reason: '*gone* 410', failing_since: null },
    }).embeds[0]!;
    expect(embed.title).toBe('Endpoint disabled');
    expect(embed.description).toBe('hooks\\.example\\.test\\: \\*gone\\* 410');
    expect(embed.color).toBe(0x6b7280);
    expect(embed.fields).toEqual([]);
  });

  it('renders any other event as its escaped type', () => {
    const embed = discordMessage({
      type: 'subscriber.confirm',
      timestamp: ts,
      data: { address: 'a@example.test' },
    }).embeds[0]!;
    expect(embed.title).toBe('subscriber\\.confirm');
    expect(embed.description).toBeUndefined();
    expect(embed.footer).toEqual({ text: 'cardquant' });
  });
});
