/** GET /v1/dashboard: the derive step's dashboard document plus freshness against today. */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { readDataVersion } from '../../platform/db/data-version.ts';
import { jsonResponse, notModifiedResponse, versionedRead } from '../../platform/http/conditional.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { createRouter, defineRoute } from '../../platform/http/route.ts';
import { daysSince } from '../ops/meta.routes.ts';
import { readDashboard } from './dashboard.repo.ts';
import { IndexSchema } from './indexes.routes.ts';
import { MoverItem } from './movers.routes.ts';

const Dashboard = z
  .object({
    dataset: z.object({
      kind: z.enum(['empty', 'demo', 'real']),
      demo: z.boolean().openapi({ description: 'Invented demo data: never real prices.' }),
    }),
    markets: z.array(
      z.object({
        market: z.string().openapi({ example: 'tcgplayer' }),
        currency: z.string().openapi({ example: 'USD' }),
        latest_date: z.string().openapi({ example: '2025-10-20' }),
        freshness_days: z
          .number()
          .int()
          .openapi({ description: 'Days between latest_date and today (UTC).', example: 1 }),
        stale: z.boolean(),
        series: z.number().int(),
        current: z.number().int(),
        coverage_pct: z.number(),
      }),
    ),
    market_index: IndexSchema.extend({
      history: z
        .array(z.object({ date: z.string(), value: z.number() }))
        .openapi({ description: 'The last 90 points.' }),
    })
      .nullable()
      .openapi({ description: 'The market index (docs/METHODS.md, "Indexes").' }),
    movers: z.object({
      window: z.string().openapi({ example: '7d' }),
      min_price: z.number().openapi({
        description: 'Movers priced below this are left out of the dashboard (not of /v1/movers).',
        example: 1,
      }),
      currency: z.string(),
      up: z.array(MoverItem),
      down: z.array(MoverItem),
    }),
    top_signals: z
      .array(z.record(z.string(), z.unknown()))
      .nullable()
      .openapi({ description: 'Null until signals exist.' }),
    counts: z.object({ sets: z.number().int(), cards: z.number().int(), priced_cards: z.number().int() }),
    built_at: z
      .string()
      .nullable()
      .openapi({ description: 'When the derive step built this document; null before the first derive.' }),
  })
  .openapi('Dashboard');

export const dashboardRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/dashboard',
    tags: ['market'],
    summary: 'Market index, top movers both ways, top signals when present, freshness and the demo-data flag',
    responses: {
      200: { description: 'The dashboard.', content: { 'application/json': { schema: Dashboard } } },
      304: notModifiedResponse,
    },
  },
);

type Stored = Omit<z.infer<typeof Dashboard>, 'markets' | 'built_at'> & {
  markets: Omit<z.infer<typeof Dashboard>['markets'][number], 'freshness_days' | 'stale'>[];
};

const EMPTY: Stored = {
  dataset: { kind: 'empty', demo: false },
  markets: [],
  market_index: null,
  movers: { window: '7d', min_price: 1, currency: 'USD', up: [], down: [] },
  top_signals: null,
  counts: { sets: 0, cards: 0, priced_cards: 0 },
};

type Movers = Stored['movers'];

/**
 * A document stored before 0.3.0 has movers with only `zscore`; until the next `read-models` run
 * rewrites it, its movers answer `robust_z` from it (both names are emitted until 0.4.0).
 */
export function withRobustZ(movers: Movers): Movers {
  const fill = (list: Movers['up']) =>
    list.map((m) => (m.robust_z === undefined ? { ...m, robust_z: m.zscore ?? null } : m));
  return { ...movers, up: fill(movers.up), down: fill(movers.down) };
}

export function dashboardRoutes(database: Database, clock: Clock, staleAfterDays: number): OpenAPIHono<AppEnv> {
  const app = createRouter();
  const db = database.db;
  // Freshness counts days to today, so the representation also changes with the UTC date.
  const version = () => {
    const today = new Date(clock.now()).toISOString().slice(0, 10);
    return readDataVersion(db).then((data) => `${data}-${today}`);
  };
  app.openapi(dashboardRoute, (c) => {
    return versionedRead<z.infer<typeof Dashboard>>(c, version, async () => {
      const row = await readDashboard(db);
      const stored = row ? (JSON.parse(row.body) as Stored) : EMPTY;
      const body = {
        ...stored,
        movers: withRobustZ(stored.movers),
        markets: stored.markets.map((m) => {
          const freshness = daysSince(m.latest_date, clock);
          return { ...m, freshness_days: freshness, stale: freshness > staleAfterDays };
        }),
        built_at: row?.built_at ?? null,
      };
      return jsonResponse(body);
    });
  });
  return app;
}
