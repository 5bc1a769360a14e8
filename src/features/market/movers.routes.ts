/** GET /v1/movers: printings ranked by market-price change over a window (docs/METHODS.md, "Movers"). */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Database } from '../../platform/db/database.ts';
import { readDataVersion } from '../../platform/db/data-version.ts';
import { ValidationFailed } from '../../platform/errors.ts';
import { notModifiedResponse, versionedRead } from '../../platform/http/conditional.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { markDeprecated, REMOVAL_VERSION } from '../../platform/http/deprecation.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute } from '../../platform/http/route.ts';
import { queryMovers, type MoverRow, type MoverRules, type MoversQuery } from './movers.repo.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { PrintingProductFields, toMajor, toMinor, WINDOWS } from '../prices/wire.ts';

export const MAX_MOVERS = 100;

const MoversParams = z.object({
  window: z.enum(WINDOWS).default('7d').openapi({ description: 'Change window.', example: '7d' }),
  direction: z
    .enum(['up', 'down'])
    .default('up')
    .openapi({ description: '`up`: rises, largest first; `down`: falls, largest first.', example: 'up' }),
  rank: z
    .enum(['change', 'robust_z', 'zscore'])
    .default('change')
    .openapi({
      description:
        '`robust_z` ranks by the change relative to the printing’s own robust volatility (docs/METHODS.md, "Movers"). ' +
        `\`zscore\` is a deprecated alias of \`robust_z\` (removed in ${REMOVAL_VERSION}).`,
      example: 'change',
    }),
  min_price: z.coerce
    .number()
    .finite()
    .min(0)
    .max(1e9)
    .optional()
    .openapi({ description: 'Least latest price, USD.', example: 5 }),
  kind: z.enum(['card', 'sealed', 'all']).default('card').openapi({
    description: '`card`: single cards (default); `sealed`: sealed products; `all`: both.',
    example: 'sealed',
  }),
  set: z.string().min(1).max(64).optional().openapi({ description: 'Set id.', example: 'sv3pt5' }),
  rarity: z.string().min(1).max(64).optional().openapi({ description: 'Rarity id or name.', example: 'rare-holo' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_MOVERS)
    .default(20)
    .openapi({ description: `Items per page (1–${MAX_MOVERS}).`, example: 20 }),
  cursor: z.string().max(200).optional().openapi({ description: 'The `next_cursor` of the previous page.' }),
});

export const MoverItem = z
  .object({
    rank: z.number().int().openapi({ example: 1 }),
    card: z.object({
      id: z.string().openapi({ example: 'sv3pt5-199' }),
      kind: z.enum(['card', 'sealed']).openapi({ example: 'card' }),
      name: z.string().openapi({ example: 'Charizard ex' }),
      set_id: z.string().openapi({ example: 'sv3pt5' }),
      number: z.string().openapi({ example: '199' }),
      rarity: z.string().nullable().openapi({ example: 'Special Illustration Rare' }),
      thumbnail: z.string().nullable(),
    }),
    printing: z.object({
      id: z.string().openapi({ example: 'sv3pt5-199-holofoil' }),
      finish: z.string().openapi({ example: 'holofoil' }),
      tcgplayer_product_id: z.number().int().nullable().openapi({ example: 517045 }),
      tcgplayer_sub_type: z.string().nullable().openapi({ example: 'Holofoil' }),
      ...PrintingProductFields,
      cardmarket_product_id: z.number().int().nullable(),
    }),
    market: z.string().openapi({ example: 'tcgplayer' }),
    condition: z.string().openapi({ example: 'NM' }),
    window: z.enum(WINDOWS),
    from_date: z.string().openapi({ example: '2025-10-13' }),
    to_date: z.string().openapi({ example: '2025-10-20' }),
    from_price: z.number().openapi({ example: 240 }),
    to_price: z.number().openapi({ example: 270 }),
    change_pct: z.number().openapi({ description: 'Percent, 4 decimals.', example: 12.5 }),
    currency: z.string().openapi({ example: 'USD' }),
    robust_z: z.number().nullable().openapi({
      description:
        'The robust z-score: ln(to/from) over the volatility expected for the window; null with too little history.',
      example: 2.31,
    }),
    zscore: z
      .number()
      .nullable()
      .openapi({
        description: `Deprecated alias of \`robust_z\` (removed in ${REMOVAL_VERSION}).`,
        example: 2.31,
        deprecated: true,
      }),
    observations: z
      .number()
      .int()
      .openapi({ description: 'Market-price observations in [from_date, to_date].', example: 8 }),
  })
  .openapi('Mover');

const MoverList = z.object({ items: z.array(MoverItem), next_cursor: z.string().nullable() }).openapi('MoverList');

export const moversRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/movers',
    tags: ['market'],
    summary: 'Printings ranked by market-price change over a window',
    description:
      'TCGplayer near-mint USD market prices. The base of an N-day change is the last observation on or before to_date − N, at most 3 days ' +
      'older; stale printings (latest price more than 3 days behind the market) are left out, and so are printings with fewer than ' +
      'MOVERS_MIN_OBSERVATIONS observations in the window or a step larger than MOVERS_MAX_JUMP× inside it. `up` lists rises only, `down` falls only.',
    request: { query: MoversParams },
    responses: {
      200: { description: 'Movers, best first.', content: { 'application/json': { schema: MoverList } } },
      304: notModifiedResponse,
    },
  },
);

/**
 * One mover as JSON text: the series' stored card and printing, then the window's numbers.
 *
 * @example
 * JSON.parse(moverJson(row, 1, '7d')).change_pct; // 12.5
 */
export function moverJson(r: MoverRow, rank: number, window: (typeof WINDOWS)[number]): string {
  const cur = r.currency;
  const z = r.robust_z === null ? 'null' : Number(r.robust_z);
  const ref = r.ref ?? '{"card":null,"printing":null}';
  return (
    `{"rank":${rank},${ref.slice(1, -1)},"market":${JSON.stringify(r.market)},"condition":${JSON.stringify(r.condition)},` +
    `"window":"${window}","from_date":"${r.from_date}","to_date":"${r.last_date}",` +
    `"from_price":${toMajor(Number(r.from_cents), cur)},"to_price":${toMajor(Number(r.last_cents), cur)},` +
    `"change_pct":${Number(r.change_pct)},"currency":${JSON.stringify(cur)},` +
    `"robust_z":${z},"zscore":${z},"observations":${Number(r.observations)}}`
  );
}

function readCursor(cursor: string | undefined, signature: string) {
  const position = decodeCursor(cursor, ['s', 'v', 'k', 'r']);
  if (!position) return undefined;
  const value = Number(position.v);
  const key = Number(position.k);
  const rank = Number(position.r);
  if (position.s !== signature)
    throw new ValidationFailed([
      { field: 'query.cursor', message: 'belongs to other parameters; start again without a cursor' },
    ]);
  if (![value, key, rank].every(Number.isFinite))
    throw new ValidationFailed([{ field: 'query.cursor', message: 'is not a cursor this API issued' }]);
  return { value, key, rank };
}

export function moversRoutes(database: Database, rules: MoverRules): OpenAPIHono<AppEnv> {
  const app = createRouter();
  const db = database.db;
  const version = () => readDataVersion(db);
  app.openapi(moversRoute, async (c) => {
    const query = c.req.valid('query');
    if (query.rank === 'zscore') markDeprecated(c);
    const p = { ...query, rank: query.rank === 'zscore' ? ('robust_z' as const) : query.rank };
    const signature = [p.window, p.direction, p.rank, p.min_price ?? '', p.set ?? '', p.rarity ?? '', p.kind].join(':');
    const cursor = readCursor(p.cursor, signature);
    // A deprecated query's answer carries headers the cached body does not: it is not answered before validation.
    const current = query.rank === 'zscore' ? await readDataVersion(db) : version;
    return versionedRead<z.infer<typeof MoverList>>(c, current, async () => {
      const moversQuery: MoversQuery = {
        window: p.window,
        direction: p.direction,
        rank: p.rank,
        limit: p.limit,
        minCents: p.min_price === undefined ? undefined : toMinor(p.min_price, PRIMARY_SERIES.currency),
        set: p.set,
        rarity: p.rarity,
        kind: p.kind,
        after: cursor ? { value: cursor.value, key: cursor.key } : undefined,
      };
      const rows = await queryMovers(db, moversQuery, rules);
      const first = cursor ? cursor.rank + 1 : 1;
      const items = rows.slice(0, p.limit).map((r, i) => moverJson(r, first + i, p.window));
      const last = rows[p.limit - 1];
      const value = (r: MoverRow) => (p.rank === 'robust_z' ? r.robust_z : r.change_pct);
      const next =
        rows.length > p.limit && last
          ? encodeCursor({
              s: signature,
              v: String(value(last)),
              k: String(last.printing_key),
              r: String(first + p.limit - 1),
            })
          : null;
      return {
        body: `{"items":[${items.join(',')}],"next_cursor":${JSON.stringify(next)}}`,
        contentType: 'application/json',
      };
    });
  });
  return app;
}
