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
