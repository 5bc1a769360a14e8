import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileProvider } from './file.ts';

const signal = new AbortController().signal;
const dir = mkdtempSync(join(tmpdir(), 'cq-file-provider-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mail = (from: string) => ({
  from,
  to: 'collector@example.test',
  subject: 'Alert',
  text: 'text',
  html: '<p>html</p>',
  headers: {},
  date: new Date('2026-11-21T00:00:00Z'),
});

describe('the file provider', () => {
  it('names the Message-ID after the delivery, with a placeholder domain when the sender has none', async () => {
    const result = await fileProvider({ dir }).send(mail('cardquant'), { id: 'dlv_a', redeliveries: 0 }, signal);
    expect(result).toEqual({ outcome: 'delivered', providerMessageId: '<dlv_a@cardquant.invalid>' });
    expect(readFileSync(join(dir, 'dlv_a.eml'), 'utf8')).toContain('Message-ID: <dlv_a@cardquant.invalid>');
  });

  it('answers a retry when the directory cannot be written', async () => {
    const blocked = join(dir, 'not-a-directory');
    writeFileSync(blocked, 'a file where the directory should be');
    const result = await fileProvider({ dir: blocked }).send(
      mail('a <alerts@example.test>'),
      {
        id: 'dlv_b',
        redeliveries: 0,
      },
      signal,
    );
    expect(result).toMatchObject({ outcome: 'retry', errorClass: 'provider_down' });
  });
});
