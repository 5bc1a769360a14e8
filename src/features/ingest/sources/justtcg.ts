/**
 * JustTCG (paid API, key in `x-api-key`) for backfills: up to a year of daily TCGplayer market
 * prices per variant (`priceHistory: [{ t: epochSeconds, p: usd }]`), by condition.
 *
 * The call: `GET /v1/cards?tcgplayerId={id}&include_price_history=true&priceHistoryDuration=1y`,
 * one per TCGplayer product. The batch endpoint (`POST /v1/cards`) takes up to 20–200 products a
 * request but has no `priceHistoryDuration` (per the `justtcg-js` types), so it cannot ask for a
 * year of history; a backfill is what this adapter is for.
 *
 * Products: `productIds`, or every `tcgplayer_product_id` our printings carry, ascending. Each
 * variant maps to observations `{ ref: { kind: 'tcgplayer', productId, subType: printing },
 * market: 'tcgplayer', currency: 'USD', condition, date: UTC date of t, prices: { market: p } }`;
 * one history point in [`from`, `to`] is one row read (points outside are not read). Conditions
 * become short codes (Near Mint → NM …); an unknown one is rejected `unknown_condition`, a variant
 * in another language than English `other_language`. Several points on one day: the last wins
 * (the others count as `duplicate_row`).
 *
 * Without an API key the run fails with that reason; a refused key (401/403) fails it too. Other
 * failures of one product (after retries, which honour 429 + Retry-After) are recorded and the
 * others go on. The run checkpoints `{ afterProductId }`: every product up to it is done.
 */
import type { PriceImporter, PriceObservation } from '../../prices/price-importer.ts';
import { printedProductIds } from '../../catalog/printings.repo.ts';
import { priceImporter, withRun, type IngestContext } from '../context.ts';
import type { RunSummary } from '../../../shared/run-accounting.ts';
import { UpstreamClient } from '../upstream.ts';

export const SOURCE = 'justtcg';
export const FEED = 'justtcg';
export const DEFAULT_BASE_URL = 'https://api.justtcg.com';

export type HistoryDuration = '7d' | '30d' | '90d' | '180d' | '1y';

export interface JusttcgOptions {
  apiKey?: string;
  baseUrl?: string;
  /** TCGplayer product ids (default: those of our printings). */
  productIds?: number[];
  /** Only history points dated in [from, to] (`YYYY-MM-DD`, both optional). */
  from?: string;
  to?: string;
  historyDuration?: HistoryDuration;
  timeoutMs?: number;
  retries?: number;
  /** Default 0.15 (about nine a minute, under the free plan's limit). */
  requestsPerSecond?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  /** Skip products up to and including a previous run's checkpoint. */
  resume?: { afterProductId: number };
  resumesRun?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const CONDITIONS: Record<string, string> = {
  'near mint': 'NM',
  'lightly played': 'LP',
  'moderately played': 'MP',
  'heavily played': 'HP',
  damaged: 'DMG',
  sealed: 'S',
};
const SHORT = new Set(Object.values(CONDITIONS));

/**
 * JustTCG's condition name (or its abbreviation) as our short code, or null.
 *
 * @example
 * conditionCode('Lightly Played'); // 'LP'
 */
export function conditionCode(name: unknown): string | null {
  if (typeof name !== 'string') return null;
  const n = name.trim();
  return CONDITIONS[n.toLowerCase()] ?? (SHORT.has(n.toUpperCase()) ? n.toUpperCase() : null);
}

/** Where the rows of one response go: observations, or a rejection reason per row. */
export interface Mapped {
  observations: PriceObservation[];
  rejected: Record<string, number>;
}

/**
 * The observations in the cards of one `tcgplayerId` response, limited to [from, to].
 *
 * @example
 * mapJusttcgCards(body.data, 42382, { from: '2025-10-01' }).observations[0]?.condition; // 'NM'
 */
export function mapJusttcgCards(cards: unknown[], productId: number, range: { from?: string; to?: string }): Mapped {
  const out: Mapped = { observations: [], rejected: {} };
  const reject = (reason: string, n = 1) => void (n > 0 && (out.rejected[reason] = (out.rejected[reason] ?? 0) + n));
  for (const card of cards) {
    const variants = isObj(card) && Array.isArray(card.variants) ? card.variants : [];
    for (const v of variants) {
      const history = isObj(v) && Array.isArray(v.priceHistory) ? v.priceHistory : [];
      const points: { date: string; p: unknown }[] = [];
      for (const h of history) {
        const t = isObj(h) ? h.t : null;
        if (typeof t !== 'number' || !Number.isFinite(t)) {
          reject('malformed_row');
          continue;
        }
        const date = new Date(t * 1000).toISOString().slice(0, 10);
        if ((range.from && date < range.from) || (range.to && date > range.to)) continue;
        points.push({ date, p: (h as Obj).p });
      }
      if (points.length === 0) continue;
      const variant = v as Obj;
      const language = variant.language;
      const printing = typeof variant.printing === 'string' ? variant.printing.trim() : '';
      const condition = conditionCode(variant.condition);
      if (language !== null && language !== undefined && language !== 'English')
        reject('other_language', points.length);
      else if (!printing) reject('malformed_row', points.length);
      else if (!condition) reject('unknown_condition', points.length);
      else {
        for (const pt of points) {
          out.observations.push({
            ref: { kind: 'tcgplayer', productId, subType: printing },
            market: 'tcgplayer',
            currency: 'USD',
            condition,
            date: pt.date,
            sourceAsOf: pt.date,
            prices: { market: pt.p as number | null | undefined },
          });
        }
      }
    }
  }
  // Chronological, so that of several points on one day the latest is the one kept.
  out.observations.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return out;
}

async function productList(ctx: IngestContext, opts: JusttcgOptions): Promise<number[]> {
  const ids = opts.productIds ? opts.productIds : await printedProductIds(ctx.database.db);
  const after = opts.resume?.afterProductId ?? 0;
  return [...new Set(ids)].filter((id) => Number.isSafeInteger(id) && id > after).sort((a, b) => a - b);
}

/**
 * Imports JustTCG price history for TCGplayer products.
 *
 * @example
 * const summary = await importJusttcgPrices(ctx, { apiKey: config.JUSTTCG_API_KEY, from: '2025-01-01' });
 */
export function importJusttcgPrices(ctx: IngestContext, opts: JusttcgOptions = {}): Promise<RunSummary> {
  const duration = opts.historyDuration ?? '1y';
  const start = {
    importer: SOURCE,
    feed: FEED,
    kind: 'prices' as const,
    from: opts.from ?? null,
    to: opts.to ?? null,
    params: {
      baseUrl: opts.baseUrl ?? DEFAULT_BASE_URL,
      products: opts.productIds?.length ?? 'printings',
      historyDuration: duration,
      afterProductId: opts.resume?.afterProductId ?? null,
    },
    resumes: opts.resumesRun ?? null,
  };
  return withRun(ctx, start, async (run) => {
    if (!opts.apiKey) throw new Error('JustTCG needs an API key: set JUSTTCG_API_KEY (the justtcg source is paid)');
    run.explainEmpty(
      opts.productIds?.length === 0
        ? 'no TCGplayer product ids to ask JustTCG for'
        : `JustTCG returned no prices for the ${opts.productIds ? 'given products' : 'printings with a TCGplayer product id'}`,
    );
    const api = new UpstreamClient({
      name: 'JustTCG',
      baseUrl: opts.baseUrl ?? DEFAULT_BASE_URL,
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
      requestsPerSecond: opts.requestsPerSecond ?? 0.15,
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      headers: { 'x-api-key': opts.apiKey },
    });
    const products = await productList(ctx, opts);
    let importer: PriceImporter | null = null;
    let failed = false;
    for (const [i, productId] of products.entries()) {
      const res = await api.getJson<unknown>(
        `/v1/cards?tcgplayerId=${productId}&include_price_history=true&priceHistoryDuration=${duration}`,
      );
      if (!res.ok && res.error.kind === 'http' && (res.error.status === 401 || res.error.status === 403)) {
        throw new Error(`JustTCG refused the API key (HTTP ${res.error.status})`);
      }
      const body = res.ok ? res.data : null;
      const problem = !res.ok
        ? `${res.error.kind}: ${res.error.message}`
        : !isObj(body) || !Array.isArray(body.data)
          ? 'response has no data array'
          : typeof body.error === 'string' && body.error
            ? `JustTCG error: ${body.error}`
            : null;
      if (problem) {
        run.fail(`product ${productId}`, problem);
        failed = true;
      } else {
        await run.savePayload(`cards/${productId}`, res.ok ? res.text : '');
        const mapped = mapJusttcgCards((body as Obj).data as unknown[], productId, opts);
        for (const [reason, n] of Object.entries(mapped.rejected)) run.reject(reason, n);
        importer ??= await priceImporter(ctx, run, FEED);
        await importer.add(mapped.observations);
        await importer.flush();
        if (!failed) await run.checkpoint({ afterProductId: productId });
      }
      ctx.progress?.(i + 1, products.length, `product ${productId}`);
    }
  });
}
