/**
 * GET /v1/cards/{id}/history and its CSV twin: one printing's daily (or weekly) prices in one
 * market, with the card's search interest over the same window. Two statements: the card, the
 * printing, the series' currency and latest date read with the data version (a 304 ends there),
 * then the prices and search interest of the window.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { stringify } from 'csv-stringify/sync';
import type { Context } from 'hono';
import type { Database } from '../../platform/db/database.ts';
import { NotFound } from '../../platform/errors.ts';
import { jsonResponse, notModifiedResponse, versionedRead } from '../../platform/http/conditional.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { checkDateRange, DateParam } from '../../platform/http/dates.ts';
import { REMOVAL_VERSION, renamed } from '../../platform/http/deprecation.ts';
import { createRouter, defineRoute, ProblemSchema } from '../../platform/http/route.ts';
import { DEFAULT_DAYS, readSeries, type SeriesRow } from './history.repo.ts';
import { MARKET_CURRENCY, resolveSeries, type SeriesHead } from '../prices/series.repo.ts';
import { minorUnitDigits, PrintingProductFields, printingProduct, toMajor } from '../prices/wire.ts';

const MARKETS = ['tcgplayer', 'cardmarket'] as const;

const HistoryQuery = z.object({
  printing: z.string().min(1).max(200).optional().openapi({
    description: "A printing id of this card. Default: the card's headline printing (see the operation's description).",
    example: 'base1-4-holofoil',
  }),
  market: z
    .enum(MARKETS)
    .optional()
    .openapi({ description: 'The marketplace whose prices to show. Default: `tcgplayer`.', example: 'tcgplayer' }),
  source: z
    .enum(MARKETS)
    .optional()
    .openapi({
      description: `Deprecated alias of \`market\` (removed in ${REMOVAL_VERSION}); both given must agree.`,
      deprecated: true,
      param: { deprecated: true },
    }),
  from: DateParam.optional().openapi({
    description: 'First date (inclusive). Default: `to` − 364 days.',
    example: '2025-11-25',
  }),
  to: DateParam.optional().openapi({
    description: "Last date (inclusive). Default: the series' latest date.",
    example: '2026-11-24',
  }),
  interval: z.enum(['day', 'week']).default('day').openapi({
    description:
      "`week`: one point per ISO week (Monday–Sunday): the week's last observation (last row with a market price, else its last row), dated with that row's date.",
    example: 'day',
  }),
});
/** The query with the market resolved from `market` or its deprecated alias `source`. */
type HistoryQuery = Omit<z.infer<typeof HistoryQuery>, 'source' | 'market'> & { market: (typeof MARKETS)[number] };

/** Reads `market` (or the deprecated `source`, marking the response deprecated); tcgplayer by default. */
function historyQuery(c: Context, query: z.infer<typeof HistoryQuery>): HistoryQuery {
  const { source, market, ...rest } = query;
  checkDateRange(rest.from, rest.to);
  return { ...rest, market: renamed(c, { field: 'query.market', old: 'source' }, market, source) ?? 'tcgplayer' };
}

const money = (what: string) =>
  z
    .number()
    .nullable()
    .openapi({ description: `${what} in major units of \`currency\`; null when absent.`, example: 412.5 });

const CardHistory = z
  .object({
    card_id: z.string().openapi({ example: 'base1-4' }),
    printing: z
      .object({
        id: z.string().openapi({ example: 'base1-4-holofoil' }),
        finish: z.string().openapi({ example: 'holofoil' }),
        tcgplayer_product_id: z.number().int().nullable().openapi({ example: 42382 }),
        tcgplayer_sub_type: z.string().nullable().openapi({ example: 'Holofoil' }),
        ...PrintingProductFields,
      })
      .nullable()
      .openapi({ description: 'Null only for a card without printings.' }),
    market: z.enum(['tcgplayer', 'cardmarket']),
    condition: z.literal('NM'),
    currency: z.string().openapi({
      description: "Currency of the series: that of its latest price row (the market's usual one when it has none).",
      example: 'USD',
    }),
    interval: z.enum(['day', 'week']),
    from: z.string().nullable().openapi({
      description: 'Window start; null when the series has no prices and no range was given.',
      example: '2025-11-25',
    }),
    to: z.string().nullable().openapi({ example: '2026-11-24' }),
    points: z.array(
      z.object({
        date: z.string().openapi({ example: '2026-11-24' }),
        market: money('Market price'),
        low: money('Lowest listing'),
        mid: money('Mid listing'),
        high: money('Highest listing'),
        flag: z.enum(['placeholder_price', 'jump', 'return_outlier']).nullable().openapi({
          description:
            'Why analytics (signals, factor statistics, backtests, valuations) leave this print out: a placeholder-like price, a jump beyond MOVERS_MAX_JUMP from the last clean print, or a return outlier; null when it is used. Flagged prints are shown, never hidden.',
          example: null,
        }),
      }),
    ),
    search_interest: z.array(
      z.object({
        date: z.string().openapi({ example: '2026-11-24' }),
        value: z.number().openapi({ description: 'Relative interest in [0, 100] within its batch.', example: 62 }),
        granularity: z.enum(['day', 'week']),
        batch: z.string().openapi({ example: 'trends-2026-11-24-a' }),
      }),
    ),
  })
  .openapi('CardHistory');
type CardHistory = z.infer<typeof CardHistory>;

/** Columns of the CSV, in order. Money columns are major units with the currency's minor digits. */
export const CSV_COLUMNS = [
  'date',
  'card_id',
  'printing_id',
  'finish',
  'market',
  'condition',
  'currency',
  'market_price',
  'low_price',
  'mid_price',
  'high_price',
  'search_interest',
  'card_name',
  'flag',
] as const;

const HEADLINE_RULE =
  "Without `printing`, the card's headline printing (the one its card summary shows); before the summary exists, the printing with the most " +
  'NM price rows in the chosen market, then the lowest internal key. The series is that printing in the chosen market, condition NM, in the ' +
  "currency of its latest market prices. The window defaults to the 365 days ending on the series' latest date; search interest covers the same window.";

const params = z.object({ id: z.string().min(1).max(120).openapi({ description: 'Card id.', example: 'base1-4' }) });
const notFound = {
  description: '`card_not_found`, or `printing_not_found` when `printing` is not a printing of this card.',
  content: { 'application/problem+json': { schema: ProblemSchema } },
};

export const cardHistoryRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/cards/{id}/history',
    tags: ['market'],
    summary: "A card's price history in one market, with its search interest",
    description: `${HEADLINE_RULE} Prices are major units; a null price was not given that day.`,
    request: { params, query: HistoryQuery },
    responses: {
      200: { description: 'The series.', content: { 'application/json': { schema: CardHistory } } },
      304: notModifiedResponse,
      404: notFound,
    },
  },
);

export const cardHistoryCsvRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/cards/{id}/history.csv',
    tags: ['market'],
    summary: "A card's price history as CSV",
    description:
      `The same series as \`/v1/cards/{id}/history\`, as RFC 4180 CSV (CRLF line ends, a header row, fields with commas, quotes or line ` +
      `breaks quoted, quotes doubled). Columns: ${CSV_COLUMNS.join(', ')}. One row per point; prices in major units with the ` +
      "currency's minor digits, empty when absent; `search_interest` is that date's value (day granularity before week, then the " +
      'most recently learned batch), empty when none; `flag` is why analytics leave that print out (`placeholder_price`, `jump`, ' +
      `\`return_outlier\`), empty when it is used. ${HEADLINE_RULE}`,
    request: { params, query: HistoryQuery },
    responses: {
      200: {
        description: 'The series as a CSV attachment named `{card id}-history.csv`.',
        content: {
          'text/csv': { schema: z.string().openapi({ example: 'date,card_id,…\r\n2026-11-24,base1-4,…\r\n' }) },
        },
      },
      304: notModifiedResponse,
      404: notFound,
    },
  },
);

/** Monday-based week number of a date (1970-01-01 was a Thursday, so day 4 starts week 1). */
function weekOf(date: string): number {
  return Math.floor((Date.parse(`${date}T00:00:00Z`) / 86_400_000 + 3) / 7);
}

/**
 * The week's last row with an unflagged market price, else its last row with a flagged one (shown
 * with its flag), else its last row; `rows` are in date order.
 */
function weekly<T extends { date: string; market: number | null; flag: string | null }>(rows: T[]): T[] {
  const rank = (row: T) => (row.market === null ? 0 : row.flag === null ? 2 : 1);
  const byWeek = new Map<number, T>();
  for (const row of rows) {
    const week = weekOf(row.date);
    const kept = byWeek.get(week);
    if (kept === undefined || rank(row) >= rank(kept)) byWeek.set(week, row);
  }
  return [...byWeek.values()];
}

interface History extends CardHistory {
  card_name: string;
  /** Search interest per date for the CSV: day before week, then the latest known batch. */
  interestByDate: Map<string, number>;
}

const shiftDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Resolves the series (one statement, with the data version); 404 for an unknown card or printing. */
async function resolve(database: Database, cardId: string, q: HistoryQuery): Promise<SeriesHead> {
  const head = await resolveSeries(database, cardId, q);
  if (!head) throw new NotFound('card', cardId);
  if (head.printing_id === null && q.printing !== undefined) throw new NotFound('printing', q.printing);
  return head;
}

async function readHistory(database: Database, cardId: string, q: HistoryQuery, head: SeriesHead): Promise<History> {
  const currency = head.currency ?? MARKET_CURRENCY[q.market];
  const to = q.to ?? head.last_date;
  const from = q.from ?? (to === null ? null : shiftDays(to, -(DEFAULT_DAYS - 1)));
  const rows =
    from === null || to === null
      ? []
      : await readSeries(database, { cardId, printingKey: head.printing_key, market: q.market, currency, from, to });
  const flags = new Map<string, SeriesRow['flag']>();
  const interest: SeriesRow[] = [];
  for (const r of rows) {
    if (r.part === 'flag') flags.set(r.date, r.flag);
    else if (r.part === 'interest') interest.push(r);
  }
  const daily: CardHistory['points'] = [];
  for (const r of rows) {
    if (r.part !== 'price') continue;
    daily.push({
      date: r.date,
      market: toMajor(r.market_cents, currency),
      low: toMajor(r.low_cents, currency),
      mid: toMajor(r.mid_cents, currency),
      high: toMajor(r.high_cents, currency),
      flag: flags.get(r.date) ?? null,
    });
  }
  const interestByDate = new Map<string, number>();
  const rank = (r: SeriesRow) => `${r.granularity === 'day' ? 1 : 0}|${r.known_at}|${r.batch}`;
  const best = new Map<string, SeriesRow>();
  for (const r of interest) {
    const kept = best.get(r.date);
    if (kept === undefined || rank(r) > rank(kept)) best.set(r.date, r);
  }
  for (const [date, r] of best) interestByDate.set(date, r.value!);
  return {
    card_id: cardId,
    card_name: head.card_name,
    printing:
      head.printing_id === null
        ? null
        : {
            id: head.printing_id,
            finish: head.finish!,
            tcgplayer_product_id: head.tcgplayer_product_id,
            tcgplayer_sub_type: head.tcgplayer_sub_type,
            ...printingProduct({
              finish: head.finish!,
              tcgplayer_group_id: head.tcgplayer_group_id,
              product_line: head.product_line,
            }),
          },
    market: q.market,
    condition: 'NM',
    currency,
    interval: q.interval,
    from,
    to,
    points: q.interval === 'week' ? weekly(daily) : daily,
    search_interest: interest.map((r) => ({
      date: r.date,
      value: r.value!,
      granularity: r.granularity!,
      batch: r.batch!,
    })),
    interestByDate,
  };
}

function toCsv(h: History): string {
  const digits = minorUnitDigits(h.currency);
  const price = (x: number | null) => (x === null ? '' : x.toFixed(digits));
  const records = h.points.map((p) => {
    const interest = h.interestByDate.get(p.date);
    return [
      p.date,
      h.card_id,
      h.printing?.id ?? '',
      h.printing?.finish ?? '',
      h.market,
      h.condition,
      h.currency,
      price(p.market),
      price(p.low),
      price(p.mid),
      price(p.high),
      interest === undefined ? '' : String(interest),
      h.card_name,
      p.flag ?? '',
    ];
  });
  return stringify(records, { header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows' });
}

/** A file name from a card id, keeping only characters that need no quoting in a header. */
const fileName = (cardId: string) => `${cardId.replace(/[^A-Za-z0-9._-]/g, '_')}-history.csv`;

export function historyRoutes(database: Database): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(cardHistoryRoute, async (c) => {
    const { id } = c.req.valid('param');
    const q = historyQuery(c, c.req.valid('query'));
    const head = await resolve(database, id, q);
    return versionedRead<CardHistory>(c, head.version, async () => {
      const { card_name: _name, interestByDate: _byDate, ...body } = await readHistory(database, id, q, head);
      return jsonResponse(body);
    });
  });

  app.openapi(cardHistoryCsvRoute, async (c) => {
    const { id } = c.req.valid('param');
    const q = historyQuery(c, c.req.valid('query'));
    const head = await resolve(database, id, q);
    return versionedRead<string>(c, head.version, async () => ({
      body: toCsv(await readHistory(database, id, q, head)),
      contentType: 'text/csv; charset=utf-8',
      headers: { 'Content-Disposition': `attachment; filename="${fileName(id)}"` },
    }));
  });

  return app;
}
