/**
 * `cardquant sources check`: one cheap request per configured live source, to tell an operator
 * which upstreams answer from this machine before a night's run depends on them. Never throws;
 * every source gets a line `{ source, url, ok, status, ms, detail }`.
 *
 * Probes: pokemontcg.io `/v2/sets?pageSize=1`, TCGCSV `/tcgplayer/3/groups`, TCGdex
 * `/v2/en/sets`, JustTCG `/v1/games` (only with a key; it is a paid source), and the ECB's last
 * USD reference rate. No retries: a check reports what happens now.
 */
import { parse } from 'csv-parse/sync';
import type { Config } from '../../../config.ts';
import { UpstreamClient, type UpstreamError } from '../upstream.ts';

export type SourceSettings = Pick<
  Config,
  'POKEMONTCG_BASE_URL' | 'TCGCSV_BASE_URL' | 'TCGDEX_BASE_URL' | 'JUSTTCG_BASE_URL' | 'ECB_BASE_URL'
> &
  Partial<Pick<Config, 'POKEMONTCG_API_KEY' | 'JUSTTCG_API_KEY' | 'UPSTREAM_TIMEOUT_MS'>>;

export interface SourceCheck {
  source: string;
  url: string;
  ok: boolean;
  /** HTTP status, or null when none arrived (timeout, network error). */
  status: number | null;
  ms: number;
  /** What happened, for a human: `answered, 172 sets`, `HTTP 500`, `timeout`, `invalid JSON` … */
  detail: string;
}

export interface CheckDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds for the `ms` column (default `performance.now`). */
  now?: () => number;
  /** Per-probe timeout (default `UPSTREAM_TIMEOUT_MS`, else 10 s). */
  timeoutMs?: number;
}

interface Probe {
  source: string;
  baseUrl: string;
  path: string;
  headers?: Record<string, string>;
  /** Reads the body into a detail line; throws when it is not what the source sends. */
  read(text: string): string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('invalid JSON');
  }
}

function need<T>(value: T | null | undefined | false, what: string): T {
  if (value === null || value === undefined || value === false) throw new Error(`unexpected response: ${what}`);
  return value;
}

function probes(s: SourceSettings): Probe[] {
  const list: Probe[] = [
    {
      source: 'pokemontcg',
      baseUrl: s.POKEMONTCG_BASE_URL,
      path: '/v2/sets?pageSize=1',
      ...(s.POKEMONTCG_API_KEY ? { headers: { 'X-Api-Key': s.POKEMONTCG_API_KEY } } : {}),
      read(text) {
        const body = json(text);
        const data = need(isObj(body) && Array.isArray(body.data) && body.data, 'no data array');
        return `answered, ${isObj(body) && typeof body.totalCount === 'number' ? body.totalCount : data.length} sets`;
      },
    },
    {
      source: 'tcgcsv',
      baseUrl: s.TCGCSV_BASE_URL,
      path: '/tcgplayer/3/groups',
      read(text) {
        const body = json(text);
        const results = need(
          isObj(body) && body.success !== false && Array.isArray(body.results) && body.results,
          'no results array',
        );
        return `answered, ${results.length} groups`;
      },
    },
    {
      source: 'tcgdex',
      baseUrl: s.TCGDEX_BASE_URL,
      path: '/v2/en/sets',
      read(text) {
        const body = json(text);
        return `answered, ${need(Array.isArray(body) && body, 'not a set array').length} sets`;
      },
    },
  ];
  if (s.JUSTTCG_API_KEY) {
    list.push({
      source: 'justtcg',
      baseUrl: s.JUSTTCG_BASE_URL,
      path: '/v1/games',
      headers: { 'x-api-key': s.JUSTTCG_API_KEY },
      read(text) {
        const body = json(text);
        const games = need(isObj(body) && Array.isArray(body.data) && body.data, 'no data array');
        const meta = isObj(body) && isObj(body._metadata) ? body._metadata : null;
        const left =
          meta && typeof meta.apiDailyRequestsRemaining === 'number'
            ? `; ${meta.apiDailyRequestsRemaining} requests left today`
            : '';
        return `answered, ${games.length} games${left}`;
      },
    });
  }
  list.push({
    source: 'ecb',
    baseUrl: s.ECB_BASE_URL,
    path: '/service/data/EXR/D.USD.EUR.SP00.A?format=csvdata&lastNObservations=1',
    headers: { Accept: 'text/csv' },
    read(text) {
      let rows: Record<string, string>[];
      try {
        rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<
          string,
          string
        >[];
      } catch {
        throw new Error('invalid CSV');
      }
      const last = need(rows.at(-1), 'no observation');
      return `answered, EUR/USD ${need(last.OBS_VALUE, 'no OBS_VALUE')} on ${need(last.TIME_PERIOD, 'no TIME_PERIOD')}`;
    },
  });
  return list;
}

function describeError(e: UpstreamError): { status: number | null; detail: string } {
  switch (e.kind) {
    case 'http':
      return { status: e.status, detail: `HTTP ${e.status}` };
    case 'timeout':
      return { status: null, detail: 'timeout' };
    case 'circuit_open':
      return { status: null, detail: 'circuit open' };
    case 'malformed':
      return { status: null, detail: 'invalid JSON' };
    default:
      return { status: null, detail: `network error: ${e.message}` };
  }
}

async function run(p: Probe, deps: CheckDeps, timeoutMs: number): Promise<SourceCheck> {
  const now = deps.now ?? (() => performance.now());
  const url = `${p.baseUrl.replace(/\/$/, '')}${p.path}`;
  const started = now();
  const elapsed = () => Math.max(0, Math.round(now() - started));
  try {
    const api = new UpstreamClient({
      name: p.source,
      baseUrl: p.baseUrl,
      timeoutMs,
      retries: 0,
      requestsPerSecond: 100,
      ...(p.headers ? { headers: p.headers } : {}),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    });
    const res = await api.getText(p.path);
    if (!res.ok) return { source: p.source, url, ok: false, ms: elapsed(), ...describeError(res.error) };
    try {
      return { source: p.source, url, ok: true, status: res.status, ms: elapsed(), detail: p.read(res.text) };
    } catch (err) {
      return { source: p.source, url, ok: false, status: res.status, ms: elapsed(), detail: (err as Error).message };
    }
  } catch (err) {
    return {
      source: p.source,
      url,
      ok: false,
      status: null,
      ms: elapsed(),
      detail: `check failed: ${(err as Error).message}`,
    };
  }
}

/**
 * Probes every configured source at once; the result keeps the order pokemontcg, tcgcsv, tcgdex,
 * justtcg (with a key), ecb.
 *
 * @example
 * for (const c of await checkSources(config)) console.log(c.ok ? 'ok  ' : 'FAIL', c.source, c.detail);
 */
export function checkSources(settings: SourceSettings, deps: CheckDeps = {}): Promise<SourceCheck[]> {
  const timeoutMs = deps.timeoutMs ?? settings.UPSTREAM_TIMEOUT_MS ?? 10_000;
  return Promise.all(probes(settings).map((p) => run(p, deps, timeoutMs)));
}
