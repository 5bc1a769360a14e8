// Fixtures: minimal hand-written bodies in each source's wire format (no recorded responses).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordingSleep, startReplay, type Replay } from '#test/replay-server.ts';
import { checkSources, type SourceSettings } from './sources-check.ts';

const ECB_CSV =
  'KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE\r\nEXR.D.USD.EUR.SP00.A,D,USD,EUR,SP00,A,2025-10-17,1.1681\r\n';
const BODIES: Record<string, { body: string; contentType?: string }> = {
  '/ptcg/v2/sets': {
    body: JSON.stringify({ data: [{ id: 'base1', name: 'Base' }], page: 1, pageSize: 1, count: 1, totalCount: 172 }),
  },
  '/tcgcsv/tcgplayer/3/groups': {
    body: JSON.stringify({ totalItems: 2, success: true, errors: [], results: [{ groupId: 604 }, { groupId: 630 }] }),
  },
  '/tcgdex/v2/en/sets': {
    body: JSON.stringify([{ id: 'base1', name: 'Base Set', cardCount: { total: 102, official: 102 } }]),
  },
  '/justtcg/v1/games': {
    body: JSON.stringify({ data: [{ id: 'pokemon', name: 'Pokemon' }], _metadata: { apiDailyRequestsRemaining: 97 } }),
  },
  '/ecb/service/data/EXR/D.USD.EUR.SP00.A': { body: ECB_CSV, contentType: 'text/csv' },
};

let replay: Replay;
const rec = recordingSleep();
const settings = (extra: Partial<SourceSettings> = {}): SourceSettings => ({
  POKEMONTCG_BASE_URL: `${replay.baseUrl}/ptcg`,
  TCGCSV_BASE_URL: `${replay.baseUrl}/tcgcsv`,
  TCGDEX_BASE_URL: `${replay.baseUrl}/tcgdex`,
  JUSTTCG_BASE_URL: `${replay.baseUrl}/justtcg`,
  ECB_BASE_URL: `${replay.baseUrl}/ecb`,
  ...extra,
});
// Long enough for a loaded machine's answers; the hanging source below has its own, shorter wait.
const deps = { sleep: rec.sleep, timeoutMs: 30_000 };
const summary = (checks: Awaited<ReturnType<typeof checkSources>>) =>
  checks.map((c) => [c.source, c.ok, c.status, c.detail]);

beforeAll(async () => {
  replay = await startReplay((url) => {
    const found = BODIES[url.pathname];
    return found ? { key: url.pathname.split('/')[1]!, ...found } : null;
  });
});
afterAll(() => replay.close());
beforeEach(() => {
  replay.reset();
  rec.waits.length = 0;
});

describe('checkSources', () => {
  it('reports each configured source with one cheap request', async () => {
    const checks = await checkSources(settings({ JUSTTCG_API_KEY: 'jt-key', POKEMONTCG_API_KEY: 'pt-key' }), deps);
    expect(summary(checks)).toEqual([
      ['pokemontcg', true, 200, 'answered, 172 sets'],
      ['tcgcsv', true, 200, 'answered, 2 groups'],
      ['tcgdex', true, 200, 'answered, 1 sets'],
      ['justtcg', true, 200, 'answered, 1 games; 97 requests left today'],
      ['ecb', true, 200, 'answered, EUR/USD 1.1681 on 2025-10-17'],
    ]);
    expect(checks[0]!.url).toBe(`${replay.baseUrl}/ptcg/v2/sets?pageSize=1`);
    expect(checks[4]!.url).toBe(
      `${replay.baseUrl}/ecb/service/data/EXR/D.USD.EUR.SP00.A?format=csvdata&lastNObservations=1`,
    );
    expect(replay.requests.map((r) => r.key).sort()).toEqual(['ecb', 'justtcg', 'ptcg', 'tcgcsv', 'tcgdex']);
    const byKey = Object.fromEntries(replay.requests.map((r) => [r.key, r.headers]));
    expect(byKey.justtcg!['x-api-key']).toBe('jt-key');
    expect(byKey.ptcg!['x-api-key']).toBe('pt-key');
    expect(byKey.ecb!.accept).toBe('text/csv');
    for (const c of checks) expect(c.ms).toBeGreaterThanOrEqual(0);
  });

  it('tells one up, one 500 and one timeout apart, without retrying or throwing', async () => {
    replay.script.set('tcgcsv', [{ status: 500 }]);
    replay.script.set('tcgdex', ['hang']);
    // The hanging source is given up after 2 s; the others answer well within it even under load.
    const checks = await checkSources(settings(), { ...deps, timeoutMs: 2_000 });
    expect(summary(checks)).toEqual([
      ['pokemontcg', true, 200, 'answered, 172 sets'],
      ['tcgcsv', false, 500, 'HTTP 500'],
      ['tcgdex', false, null, 'timeout'],
      ['ecb', true, 200, 'answered, EUR/USD 1.1681 on 2025-10-17'],
    ]);
    // No JustTCG probe without a key; no retries, so no waits.
    expect(replay.requests.map((r) => r.key).sort()).toEqual(['ecb', 'ptcg', 'tcgcsv', 'tcgdex']);
    expect(rec.waits).toEqual([]);
  });

  it('says what was wrong with an answer: invalid JSON, an unexpected shape, a 404, no observation', async () => {
    replay.script.set('ptcg', [{ status: 200, body: '{"data":[' }]);
    replay.script.set('tcgcsv', [
      { status: 200, body: JSON.stringify({ success: false, errors: ['down'], results: [] }) },
    ]);
    replay.script.set('justtcg', [{ status: 404 }]);
    replay.script.set('ecb', [{ status: 200, body: 'KEY,TIME_PERIOD,OBS_VALUE\r\n' }]);
    const checks = await checkSources(settings({ JUSTTCG_API_KEY: 'jt-key' }), deps);
    expect(summary(checks)).toEqual([
      ['pokemontcg', false, 200, 'invalid JSON'],
      ['tcgcsv', false, 200, 'unexpected response: no results array'],
      ['tcgdex', true, 200, 'answered, 1 sets'],
      ['justtcg', false, 404, 'HTTP 404'],
      ['ecb', false, 200, 'unexpected response: no observation'],
    ]);
  });

  it('reports an unreachable host and a failing fetch as network errors, never throwing', async () => {
    const refused = await checkSources({ ...settings(), TCGDEX_BASE_URL: 'http://127.0.0.1:1' }, deps);
    expect(refused[2]).toMatchObject({
      source: 'tcgdex',
      ok: false,
      status: null,
      url: 'http://127.0.0.1:1/v2/en/sets',
    });
    expect(refused[2]!.detail).toMatch(/^network error: /);
    const broken = await checkSources(settings(), {
      ...deps,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
      now: () => 5,
    });
    expect(broken.map((c) => [c.ok, c.ms, c.detail])).toEqual(
      ['pokemontcg', 'tcgcsv', 'tcgdex', 'ecb'].map((name) => [false, 0, `network error: ${name}: fetch failed`]),
    );
  });
});
