import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { REMOVAL_VERSION } from '../../platform/http/deprecation.ts';
import { createRouter, defineRoute } from '../../platform/http/route.ts';
import { datasetMeta } from '../ingest/dataset.repo.ts';
import { coverageByMarket } from './meta.repo.ts';
import { FEEDS } from '../ingest/sources-info.ts';
import type { ImageHosts } from '../catalog/image-hosts.ts';

const Feed = z.object({
  feed: z.string(),
  markets: z.array(z.string()),
  url: z.string(),
  licence: z.string(),
  attribution: z.string(),
  note: z.string().optional(),
});

const Meta = z
  .object({
    dataset: z.object({
      kind: z
        .enum(['empty', 'demo', 'real'])
        .openapi({ description: 'demo: invented data from the demo generator, never mixed with real data.' }),
      demo: z.boolean(),
      details: z.record(z.string(), z.string()),
    }),
    markets: z.array(
      z.object({
        market: z.string().openapi({ example: 'tcgplayer' }),
        currency: z.string().openapi({ example: 'USD' }),
        latest_date: z
          .string()
          .openapi({ description: 'Latest date with market prices: the as-of date of derived data.' }),
        freshness_days: z.number().int().openapi({ description: 'Days between latest_date and today (UTC).' }),
        stale: z.boolean(),
        series: z.number().int().openapi({ description: 'Printings with a price in this market.' }),
        current: z.number().int().openapi({ description: 'Of those, priced on latest_date.' }),
        coverage_pct: z.number(),
      }),
    ),
    feeds: z.array(Feed).openapi({
      description: 'The upstream APIs and files data comes from, the markets they carry, and their terms.',
    }),
    images: z
      .object({
        remote: z.boolean().openapi({ description: 'Card images may load from their hosts (REMOTE_IMAGES).' }),
        hosts: z
          .array(z.string())
          .openapi({ description: "The origins the catalogue's images load from (empty when remote images are off)." }),
      })
      .openapi({ description: 'Where card and set images load from; the web app’s CSP names exactly these hosts.' }),
    sources: z
      .array(Feed)
      .openapi({ description: `Deprecated alias of \`feeds\` (removed in ${REMOVAL_VERSION}).`, deprecated: true }),
  })
  .openapi('Meta');

export const metaRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/meta',
    tags: ['market'],
    summary: 'Dataset kind, per-market latest date, freshness, staleness and coverage, feed licences',
    responses: { 200: { description: 'Metadata.', content: { 'application/json': { schema: Meta } } } },
  },
);

const DAY_MS = 86_400_000;

/**
 * Per market and currency: the latest date with market prices (the as-of date of derived data),
 * how many series it has and how many are priced on that date. One statement over latest_prices.
 */
export async function marketCoverage(db: Kysely<Tables>) {
  const rows = await coverageByMarket(db);
  return rows.map((m) => {
    const series = Number(m.series);
    const current = Number(m.current);
    return {
      market: m.market,
      currency: m.currency,
      latest_date: String(m.latest_date),
      series,
      current,
      coverage_pct: series ? Math.round((current / series) * 10_000) / 100 : 0,
    };
  });
}

/** Whole days from `date` to the clock's UTC date. */
export function daysSince(date: string, clock: Clock): number {
  const today = Date.parse(`${isoInstant(clock.now()).slice(0, 10)}T00:00:00Z`);
  return Math.round((today - Date.parse(`${date}T00:00:00Z`)) / DAY_MS);
}

export function metaRoutes(
  db: Kysely<Tables>,
  clock: Clock,
  staleAfterDays: number,
  images: ImageHosts,
): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(metaRoute, async (c) => {
    const [meta, markets, hosts] = await Promise.all([datasetMeta(db), marketCoverage(db), images.list()]);
    const details = { ...meta };
    const kind = (details.dataset_kind ?? 'empty') as 'empty' | 'demo' | 'real';
    delete details.dataset_kind;
    return c.json(
      {
        dataset: { kind, demo: kind === 'demo', details },
        markets: markets.map((m) => {
          const freshness = daysSince(m.latest_date, clock);
          return { ...m, freshness_days: freshness, stale: freshness > staleAfterDays };
        }),
        feeds: FEEDS,
        images: { remote: images.remote, hosts },
        sources: FEEDS,
      },
      200,
      { 'Cache-Control': 'public, max-age=60' },
    );
  });
  return app;
}
