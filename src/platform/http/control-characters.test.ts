import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '#test/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('sqlite::memory:');
});
afterAll(() => h.close());

/** A request as the Node server hands it over: with the header lines as received beside the `Headers`. */
const received = (path: string, lines: string[]) => {
  const headers = new Headers({ 'X-Forwarded-For': '192.0.2.1' });
  for (let i = 0; i < lines.length; i += 2) headers.append(lines[i]!, lines[i + 1]!);
  return h.runtime.app.request(path, { headers }, { incoming: { rawHeaders: lines } });
};

describe('control characters in the header lines a server received', () => {
  it('refuses a control character in a received header line, naming the header as the Headers spell it', async () => {
    const res = await received('/v1/cards', ['X-Note', 'a\u0001b', 'Accept', 'application/json']);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { field: string; message: string }[] };
    expect(body.errors).toEqual([
      { field: 'header.x-note', message: 'must not contain control characters (found U+0001)' },
    ]);
  });

  it('passes lines without one, UTF-8 bytes read as latin1 included', async () => {
    const moscow = Buffer.from('Москва €', 'utf8').toString('latin1');
    const res = await received('/v1/cards', ['X-City', moscow, 'X-Note', 'tab\there']);
    expect(res.status).toBe(200);
  });
});
