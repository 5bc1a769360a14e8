/**
 * ECB euro foreign exchange reference rates from the ECB data API (SDMX, free, no key): series
 * `EXR/D.{CUR}.EUR.SP00.A` — daily, spot, units of CUR per euro, published on TARGET working days
 * around 16:00 CET. One request per currency:
 * `/service/data/EXR/D.USD.EUR.SP00.A?format=csvdata&startPeriod=…&endPeriod=…`, a CSV whose
 * `TIME_PERIOD` and `OBS_VALUE` columns are the date and the rate.
 *
 * Rows go to `fx_rates` (base EUR, quote CUR, source `ecb`); each CSV row is a row read. A row
 * whose date is not a real, plausible date is rejected `impossible_date`, one whose value is not a
 * positive number `not_a_number`, one of another series `malformed_row`. A range without
 * observations (a weekend) answers 404: zero rows, not a failure. A currency whose request fails
 * is recorded in the run's failures and the others go on.
 */
import { parse } from 'csv-parse/sync';
import type { FxRate } from '../../prices/fx.ts';
import { upsertFxRates } from '../../prices/fx.repo.ts';
import { isPlausibleDate } from '../../prices/price-rules.ts';
import { today, withRun, type IngestContext } from '../context.ts';
import type { RunSummary } from '../../../shared/run-accounting.ts';
import { UpstreamClient } from '../upstream.ts';

export const SOURCE = 'ecb';
export const DEFAULT_BASE_URL = 'https://data-api.ecb.europa.eu';
/** Without `from`, a run covers this many days before `to`: a re-run heals late or revised rates. */
export const DEFAULT_LOOKBACK_DAYS = 10;

export interface EcbOptions {
  baseUrl?: string;
  /** First and last date (`YYYY-MM-DD`); default the last `DEFAULT_LOOKBACK_DAYS` days up to today. */
  from?: string;
  to?: string;
  /** Quote currencies (ISO 4217), default `['USD']`. */
  currencies?: string[];
  timeoutMs?: number;
  retries?: number;
  requestsPerSecond?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

/**
 * The data API path of one currency's daily reference rates.
 *
 * @example
 * ecbPath('USD', '2025-10-01', '2025-10-31');
 * // '/service/data/EXR/D.USD.EUR.SP00.A?format=csvdata&startPeriod=2025-10-01&endPeriod=2025-10-31'
 */
export function ecbPath(currency: string, from: string, to: string): string {
  return `/service/data/EXR/D.${currency}.EUR.SP00.A?format=csvdata&startPeriod=${from}&endPeriod=${to}`;
}

export interface ParsedEcb {
  rates: FxRate[];
  /** Rows that were not rates, by reason. */
  rejected: Record<string, number>;
}

/**
 * Reads an ECB `csvdata` body of `currency`'s series. Throws when the CSV cannot be parsed or has
 * no `TIME_PERIOD` / `OBS_VALUE` columns.
 *
 * @example
 * parseEcbCsv('KEY,CURRENCY,CURRENCY_DENOM,TIME_PERIOD,OBS_VALUE\nEXR.D.USD.EUR.SP00.A,USD,EUR,2025-10-17,1.1681\n', 'USD', '2025-10-21');
 * // { rates: [{ base: 'EUR', quote: 'USD', date: '2025-10-17', rate: 1.1681 }], rejected: {} }
 */
export function parseEcbCsv(text: string, currency: string, todayDate: string): ParsedEcb {
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<
    string,
    string
  >[];
  const out: ParsedEcb = { rates: [], rejected: {} };
  if (rows.length > 0 && !('TIME_PERIOD' in rows[0]! && 'OBS_VALUE' in rows[0]!))
    throw new Error('CSV has no TIME_PERIOD and OBS_VALUE columns');
  const reject = (reason: string) => void (out.rejected[reason] = (out.rejected[reason] ?? 0) + 1);
  for (const r of rows) {
    if ((r.CURRENCY && r.CURRENCY !== currency) || (r.CURRENCY_DENOM && r.CURRENCY_DENOM !== 'EUR')) {
      reject('malformed_row');
      continue;
    }
    const date = r.TIME_PERIOD ?? '';
    const value = r.OBS_VALUE ?? '';
    if (!isPlausibleDate(date, todayDate)) reject('impossible_date');
    else if (!/^\d+(\.\d+)?$/.test(value) || !(Number(value) > 0)) reject('not_a_number');
    else out.rates.push({ base: 'EUR', quote: currency, date, rate: Number(value) });
  }
  return out;
}

/** The date `days` before `date`, or '' when `date` is unreadable (the range check then says so). */
function daysBefore(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(t) ? '' : new Date(t - days * 86_400_000).toISOString().slice(0, 10);
}

/** Throws on an unreadable or reversed range (the run then fails with that message). */
function checkRange(from: string, to: string, todayDate: string): void {
  for (const d of [from, to])
    if (!isPlausibleDate(d, todayDate)) throw new Error(`ECB range: '${d}' is not a plausible date (YYYY-MM-DD)`);
  if (from > to) throw new Error(`ECB range: from ${from} is after to ${to}`);
}

/**
 * Imports ECB reference rates for `currencies` over [`from`, `to`] into `fx_rates`.
 *
 * @example
 * const summary = await importEcbRates(ctx, { from: '2025-01-01', to: '2025-10-31', currencies: ['USD', 'GBP'] });
 */
export function importEcbRates(ctx: IngestContext, opts: EcbOptions = {}): Promise<RunSummary> {
  const currencies = opts.currencies ?? ['USD'];
  const to = opts.to ?? today(ctx);
  const from = opts.from ?? daysBefore(to, DEFAULT_LOOKBACK_DAYS);
  const start = {
    importer: SOURCE,
    feed: SOURCE,
    kind: 'fx' as const,
    from,
    to,
    params: { baseUrl: opts.baseUrl ?? DEFAULT_BASE_URL, currencies },
  };
  return withRun(ctx, start, async (run) => {
    checkRange(from, to, today(ctx));
    run.explainEmpty(
      `the ECB published no ${currencies.join('/')} rates for ${from}…${to} (none on weekends and TARGET holidays)`,
    );
    const api = new UpstreamClient({
      name: 'ECB',
      baseUrl: opts.baseUrl ?? DEFAULT_BASE_URL,
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
      requestsPerSecond: opts.requestsPerSecond ?? 2,
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      headers: { Accept: 'text/csv' },
    });
    for (const currency of currencies) {
      if (!/^[A-Z]{3}$/.test(currency)) {
        run.fail(currency, 'not an ISO 4217 currency code');
        continue;
      }
      const res = await api.getText(ecbPath(currency, from, to), { notFoundIsEmpty: true });
      if (!res.ok) {
        run.fail(currency, `${res.error.kind}: ${res.error.message}`);
        continue;
      }
      if (res.status === 404) continue;
      await run.savePayload(`EXR/D.${currency}.EUR.SP00.A`, res.text);
      let parsed: ParsedEcb;
      try {
        parsed = parseEcbCsv(res.text, currency, today(ctx));
      } catch (err) {
        run.fail(currency, `unreadable CSV: ${(err as Error).message}`);
        continue;
      }
      for (const [reason, n] of Object.entries(parsed.rejected)) run.reject(reason, n);
      const outcome = await upsertFxRates(
        ctx.database.db,
        parsed.rates.map((r) => ({ ...r, feed: SOURCE })),
        ctx.runs.nowIso(),
      );
      run.add(outcome);
      run.reject('duplicate_row', outcome.duplicates);
    }
  });
}
