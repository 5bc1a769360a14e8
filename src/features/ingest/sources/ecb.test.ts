// Fixtures: hand-written bodies in the ECB data API's `csvdata` format (column names as the API
// sends them); the rates are made up.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestDatabase } from '#test/ingest-harness.ts';
import { recordingSleep, startReplay, type Replay } from '#test/replay-server.ts';
import { convert } from '../../prices/fx.ts';
import { loadFxRates } from '../../prices/fx.repo.ts';
import { ecbPath, importEcbRates, parseEcbCsv, type EcbOptions } from './ecb.ts';

const HEADER = 'KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE,OBS_STATUS,TITLE';
const line = (cur: string, date: string, value: string) =>
  `EXR.D.${cur}.EUR.SP00.A,D,${cur},EUR,SP00,A,${date},${value},A,"${cur}/Euro ECB reference exchange rate, daily"`;
const SERIES: Record<string, [string, string][]> = {
  USD: [
    ['2025-10-10', 'NaN'],
    ['2025-10-13', '1.1637'],
    ['2025-10-14', '1.1604'],
    ['2025-10-15', '1.1645'],
    ['2025-10-16', '1.1681'],
    ['2025-10-17', '1.1702'],
  ],
  GBP: [
    ['2025-10-13', '0.8702'],
    ['2025-10-14', '0.8711'],
    ['2025-10-15', '0.8688'],
    ['2025-10-16', '0.8679'],
    ['2025-10-17', '0.8690'],
  ],
};

let replay: Replay;
const rec = recordingSleep();
const options = (extra: Partial<EcbOptions> = {}): EcbOptions => ({
  baseUrl: replay.baseUrl,
  from: '2025-10-10',
  to: '2025-10-17',
  retries: 2,
  timeoutMs: 2000,
  requestsPerSecond: 1000,
  sleep: rec.sleep,
  ...extra,
});

beforeAll(async () => {
  replay = await startReplay((url) => {
    const m = /^\/service\/data\/EXR\/D\.([A-Z]+)\.EUR\.SP00\.A$/.exec(url.pathname);
    if (!m || url.searchParams.get('format') !== 'csvdata') return null;
    const from = url.searchParams.get('startPeriod') ?? '';
    const to = url.searchParams.get('endPeriod') ?? '9999';
    const rows = (SERIES[m[1]!] ?? []).filter(([d]) => d >= from && d <= to);
    // The data API answers 404 "No results found." for a range without observations.
    if (rows.length === 0)
      return { key: `ecb:${m[1]}`, status: 404, body: 'No results found.', contentType: 'text/plain' };
    return {
      key: `ecb:${m[1]}`,
      body: [HEADER, ...rows.map(([d, v]) => line(m[1]!, d, v))].join('\r\n') + '\r\n',
      contentType: 'text/csv',
    };
  });
});
afterAll(() => replay.close());
beforeEach(() => {
  replay.reset();
  rec.waits.length = 0;
});

describe('parseEcbCsv', () => {
  it('reads TIME_PERIOD and OBS_VALUE and rejects what is not a rate with a reason', () => {
    const csv = [
      HEADER,
      line('USD', '2025-10-17', '1.1702'),
      line('USD', '2025-02-30', '1.05'),
      line('USD', '2025-10-16', 'NaN'),
      line('USD', '2025-10-15', ''),
      line('USD', '2025-10-14', '-1'),
      line('GBP', '2025-10-17', '0.869'),
      line('USD', '2030-01-01', '1.2'),
    ].join('\n');
    expect(parseEcbCsv(csv, 'USD', '2025-10-21')).toEqual({
      rates: [{ base: 'EUR', quote: 'USD', date: '2025-10-17', rate: 1.1702 }],
      rejected: { impossible_date: 2, not_a_number: 3, malformed_row: 1 },
    });
  });

  it('throws on a CSV without the needed columns or with broken quoting', () => {
    expect(() => parseEcbCsv('DATE,VALUE\n2025-10-17,1.17\n', 'USD', '2025-10-21')).toThrow(/TIME_PERIOD/);
    expect(() => parseEcbCsv(`${HEADER}\nEXR,"unterminated\n`, 'USD', '2025-10-21')).toThrow();
    expect(parseEcbCsv('', 'USD', '2025-10-21')).toEqual({ rates: [], rejected: {} });
  });

  it('builds the data API path of one currency', () => {
    expect(ecbPath('USD', '2025-10-01', '2025-10-31')).toBe(
      '/service/data/EXR/D.USD.EUR.SP00.A?format=csvdata&startPeriod=2025-10-01&endPeriod=2025-10-31',
    );
  });
});

describe.each(dialects)('ECB reference rates on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d);

    it('upserts USD and GBP rates with accounting, asking for CSV over the range', async () => {
      const run = await importEcbRates(ctx, options({ currencies: ['USD', 'GBP'] }));
      expect(run).toMatchObject({
        status: 'succeeded',
        rows_read: 11,
        accepted: 10,
        updated: 0,
        unchanged: 0,
        rejected: 1,
        failures: [],
      });
      expect(run.rejected_by_reason).toEqual({ not_a_number: 1 });
      expect(
        replay.requests.map(
          (r) => `${r.key} ${r.url.searchParams.get('startPeriod')}..${r.url.searchParams.get('endPeriod')}`,
        ),
      ).toEqual(['ecb:USD 2025-10-10..2025-10-17', 'ecb:GBP 2025-10-10..2025-10-17']);
      expect(replay.requests[0]!.headers.accept).toBe('text/csv');
      const rows = await ctx.database.db
        .selectFrom('fx_rates')
        .selectAll()
        .where('quote', '=', 'USD')
        .orderBy('date')
        .execute();
      expect(rows[0]).toEqual({
        base: 'EUR',
        quote: 'USD',
        date: '2025-10-13',
        rate: 1.1637,
        feed: 'ecb',
        known_at: '2025-10-21T02:00:00.000Z',
      });
      expect(rows.map((r) => r.rate)).toEqual([1.1637, 1.1604, 1.1645, 1.1681, 1.1702]);
      const stored = await ctx.database.db
        .selectFrom('ingestion_runs')
        .select(['kind', 'range_from', 'range_to'])
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(stored).toEqual({ kind: 'fx', range_from: '2025-10-10', range_to: '2025-10-17' });
    });

    it('a re-run is unchanged; a revised rate is updated with a new known_at', async () => {
      const again = await importEcbRates(ctx, options({ currencies: ['USD', 'GBP'] }));
      expect(again).toMatchObject({
        status: 'succeeded',
        rows_read: 11,
        accepted: 0,
        updated: 0,
        unchanged: 10,
        rejected: 1,
      });
      ctx.clock.advance(3_600_000);
      const saved = SERIES.USD![5]!;
      SERIES.USD![5] = ['2025-10-17', '1.1703'];
      try {
        const revised = await importEcbRates(ctx, options());
        expect(revised).toMatchObject({ rows_read: 6, accepted: 0, updated: 1, unchanged: 4, rejected: 1 });
      } finally {
        SERIES.USD![5] = saved;
      }
      const row = await ctx.database.db
        .selectFrom('fx_rates')
        .select(['rate', 'known_at'])
        .where('quote', '=', 'USD')
        .where('date', '=', '2025-10-17')
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ rate: 1.1703, known_at: '2025-10-21T03:00:00.000Z' });
    });

    it('loads a range with the fallback window, ready for a weekend conversion', async () => {
      const rates = await loadFxRates(ctx.database.db, { from: '2025-10-18', to: '2025-10-19', quotes: ['USD'] });
      expect(rates.map((r) => r.date)).toEqual(['2025-10-14', '2025-10-15', '2025-10-16', '2025-10-17']);
      expect(convert(10_000, 'EUR', 'USD', '2025-10-19', rates)).toEqual({
        ok: true,
        cents: 11_703,
        rateDate: '2025-10-17',
      });
      expect(await loadFxRates(ctx.database.db, { from: '2025-10-18', to: '2025-10-19', quotes: [] })).toEqual([]);
      expect(
        (await loadFxRates(ctx.database.db, { from: '2025-10-13', to: '2025-10-13', lookbackDays: 0 })).map(
          (r) => r.quote,
        ),
      ).toEqual(['GBP', 'USD']);
    });

    it('fails a range without observations (a weekend), saying why: a run that reads nothing never succeeds', async () => {
      const run = await importEcbRates(ctx, options({ from: '2025-10-18', to: '2025-10-19' }));
      expect(run).toMatchObject({ status: 'failed', rows_read: 0, failures: [] });
      expect(run.error).toMatch(
        /^the ECB published no .*rates for 2025-10-18…2025-10-19 \(none on weekends and TARGET holidays\)$/,
      );
    });

    it('retries a 429 after Retry-After and a 503; records a failing currency and goes on', async () => {
      replay.script.set('ecb:USD', [{ status: 429, retryAfter: '7' }, { status: 503 }]);
      replay.script.set('ecb:GBP', [{ status: 500 }, { status: 500 }, { status: 500 }]);
      replay.script.set('ecb:CHF', [{ status: 200, body: `${HEADER}\nEXR,"unterminated\n` }]);
      const run = await importEcbRates(ctx, options({ currencies: ['USD', 'GBP', 'CHF', 'usd'] }));
      expect(run.status).toBe('partial');
      expect(run.failures).toEqual([
        { item: 'GBP', error: expect.stringMatching(/^http: ECB answered 500/) },
        { item: 'CHF', error: expect.stringMatching(/^unreadable CSV: /) },
        { item: 'usd', error: 'not an ISO 4217 currency code' },
      ]);
      // USD's Friday rate is back to its first value: one update.
      expect(run).toMatchObject({ rows_read: 6, updated: 1, unchanged: 4, rejected: 1 });
      expect(rec.waits[0]).toBe(7000);
      expect(rec.waits).toHaveLength(4);
    });

    it('records a request that never answers as a timeout', async () => {
      replay.script.set('ecb:USD', ['hang']);
      const run = await importEcbRates(ctx, options({ timeoutMs: 200, retries: 0 }));
      expect(run.failures).toEqual([
        { item: 'USD', error: expect.stringMatching(/^timeout: ECB did not answer within 200 ms/) },
      ]);
    });

    it('fails the run on an impossible or reversed range', async () => {
      const bad = await importEcbRates(ctx, options({ from: '2025-02-30' }));
      expect(bad).toMatchObject({
        status: 'failed',
        error: "ECB range: '2025-02-30' is not a plausible date (YYYY-MM-DD)",
      });
      const reversed = await importEcbRates(ctx, options({ from: '2025-10-17', to: '2025-10-10' }));
      expect(reversed).toMatchObject({ status: 'failed', error: 'ECB range: from 2025-10-17 is after to 2025-10-10' });
      expect(replay.requests).toHaveLength(0);
    });

    it('defaults to the last days up to today', async () => {
      await importEcbRates(ctx, { baseUrl: replay.baseUrl, requestsPerSecond: 1000 });
      expect(replay.requests[0]!.url.search).toBe('?format=csvdata&startPeriod=2025-10-11&endPeriod=2025-10-21');
    });
  });
});
