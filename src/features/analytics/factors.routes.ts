/**
 * GET /v1/analytics/factors (IC summary, factor returns, decay and risk model over a date range;
 * public), GET /v1/analytics/weights (weights versions and the suggestion from IC/IR; public) and
 * POST /v1/analytics/weights (a new manual or suggested version; operator).
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { bumpDataVersion, readDataVersion } from '../../platform/db/data-version.ts';
import { ValidationFailed } from '../../platform/errors.ts';
import { jsonResponse, notModifiedResponse, versionedRead } from '../../platform/http/conditional.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { createRouter, defineRoute } from '../../platform/http/route.ts';
import { checkDateRange, DateParam } from '../market/history.routes.ts';
import type { EngineRegistry, SignalEngine } from '../signals/engine.ts';
import { DEFAULT_FACTORS_MIN_T, resolveSignalSettings, type SignalConfig } from '../signals/settings.ts';
import type { SignalKey } from '../signals/signals.repo.ts';
import { createWeights, listWeights, suggestWeights, validateWeights } from '../signals/weights.ts';
import { factorReport, HORIZONS, type FactorReport } from './factors.ts';

const Horizon = z.enum(HORIZONS.map((h) => `${h}d`) as ['1d', '7d', '30d']);

const IcStats = z.object({
  n: z.number().int(),
  mean: z.number().nullable(),
  sd: z.number().nullable(),
  ir: z.number().nullable(),
  hitRate: z.number().nullable(),
  tStat: z.number().nullable().openapi({
    description:
      'Newey–West (HAC, Bartlett) t statistic of the mean IC with lag `hac_lag`; overlapping forward windows make the daily IC series autocorrelated.',
  }),
  hac_lag: z.number().int().openapi({ description: 'Newey–West lag: the horizon in days minus 1.' }),
  spread_mean: z.number().nullable().openapi({ description: 'Mean top-minus-bottom quintile forward log return.' }),
  beta_mean: z
    .number()
    .nullable()
    .openapi({ description: 'Mean cross-sectional regression coefficient (factor return per unit exposure).' }),
  beta_t: z.number().nullable().openapi({
    description: 'Fama–MacBeth t statistic of the mean coefficient, with a Newey–West standard error (lag `hac_lag`).',
  }),
});

const FactorsReport = z
  .object({
    engine: z.string(),
    engine_version: z.string(),
    weights_version: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    dates: z.number().int(),
    factors: z.array(
      z.object({
        factor: z.string().openapi({ example: 'trend' }),
        horizons: z.record(z.string(), IcStats),
        decay: z.array(z.object({ lag: z.number().int(), ic: z.number().nullable() })),
        half_life_days: z.number().nullable(),
      }),
    ),
    risk: z
      .object({
        horizon_days: z.number().int(),
        dates: z.number().int(),
        factors: z.array(z.string()),
        shrinkage: z.number(),
        volatility: z.array(z.number()),
        covariance: z.array(z.array(z.number())),
        correlation: z.array(z.array(z.number())),
      })
      .nullable(),
    suggested_weights: z.object({
      horizon: Horizon,
      min_t: z
        .number()
        .openapi({ description: 'Least Newey–West IC t a component needs to get a weight (FACTORS_MIN_T).' }),
      weights: z
        .record(z.string(), z.number())
        .nullable()
        .openapi({ description: 'Null when no component has a positive IR with t ≥ min_t (e.g. on noise).' }),
    }),
  })
  .openapi('FactorsReport');

const WeightsVersion = z
  .object({
    version: z.string().openapi({ example: 'robust-trend@2:builtin' }),
    engine: z.string(),
    engine_version: z.string(),
    source: z.enum(['builtin', 'manual', 'suggested']),
    weights: z.record(z.string(), z.number()),
    note: z.string().nullable(),
    created_by: z.string().nullable(),
    created_at: z.string(),
    active: z.boolean().openapi({ description: 'Whether SIGNALS_WEIGHTS selects this version in this process.' }),
  })
  .openapi('WeightsVersion');

/** What the public sees of a version: the weights, not who stored them or their note (those are in the audit log). */
const PublicWeightsVersion = WeightsVersion.omit({ note: true, created_by: true }).openapi('PublicWeightsVersion');

const range = {
  from: DateParam.optional().openapi({ description: 'First signal date (inclusive).' }),
  to: DateParam.optional().openapi({ description: 'Last signal date (inclusive).' }),
};

export const factorsRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/analytics/factors',
    tags: ['analytics'],
    summary:
      'Factor statistics over a date range: rank IC summary, spreads, factor returns, decay, half-life, Ledoit–Wolf risk model',
    request: {
      query: z.object({
        ...range,
        horizon: Horizon.default('7d').openapi({
          description: 'Horizon of the suggested weights (IR at this horizon).',
        }),
      }),
    },
    responses: {
      200: { description: 'The report.', content: { 'application/json': { schema: FactorsReport } } },
      304: notModifiedResponse,
    },
  },
);

export const listWeightsRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/analytics/weights',
    tags: ['analytics'],
    summary: 'Factor weights versions of the configured engine version (built-in, manual, suggested)',
    responses: {
      200: {
        description: 'Versions, oldest first.',
        content: { 'application/json': { schema: z.object({ items: z.array(PublicWeightsVersion) }) } },
      },
      304: notModifiedResponse,
    },
  },
);

export const createWeightsRoute = defineRoute(
  { access: 'operator', idempotent: true },
  {
    method: 'post',
    path: '/v1/analytics/weights',
    tags: ['analytics'],
    summary: 'Store a new weights version: manual weights, or the weights suggested from IC/IR over a range',
    description:
      'A new version is immutable; select it with SIGNALS_WEIGHTS and recompute signals (`pipeline run --step signals --from --to`). Signals of other versions stay.',
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                weights: z
                  .record(z.string(), z.number())
                  .optional()
                  .openapi({
                    description: 'Manual weights, one per component.',
                    example: { trend: 0.4, filter: 0.2, reversal: 0.1, drawdown: 0.1, regime: 0.1, search: 0.1 },
                  }),
                suggested: z
                  .object({ ...range, horizon: Horizon.default('7d') })
                  .strict()
                  .optional()
                  .openapi({ description: 'Use the suggestion of GET /v1/analytics/factors for this range instead.' }),
                note: z.string().max(1000).optional(),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: { description: 'The new version.', content: { 'application/json': { schema: WeightsVersion } } },
    },
  },
);

export function factorsRoutes(
  database: Database,
  clock: Clock,
  newId: (prefix: 'fw') => string,
  registry: EngineRegistry,
  config: SignalConfig,
): OpenAPIHono<AppEnv> {
  const app = createRouter();
  let resolved: Promise<{ engine: SignalEngine; key: SignalKey }> | null = null;
  const settings = () => {
    resolved ??= resolveSignalSettings(database.db, clock, registry, config).catch((err: unknown) => {
      resolved = null;
      throw err;
    });
    return resolved;
  };
  const minT = config.factorsMinT ?? DEFAULT_FACTORS_MIN_T;
  const suggestion = (report: FactorReport, engine: SignalEngine, horizon: string) =>
    suggestWeights(
      engine.components,
      Object.fromEntries(report.factors.map((f) => [f.factor, f.horizons[horizon]?.ir ?? null])),
      Object.fromEntries(report.factors.map((f) => [f.factor, f.horizons[horizon]?.tStat ?? null])),
      minT,
    );

  app.openapi(factorsRoute, async (c) => {
    const q = c.req.valid('query');
    checkDateRange(q.from, q.to);
    const s = await settings();
    return versionedRead<z.infer<typeof FactorsReport>>(c, await readDataVersion(database.db), async () => {
      const report = await factorReport(database, s.engine, s.key, { from: q.from, to: q.to });
      return jsonResponse({
        ...report,
        suggested_weights: { horizon: q.horizon, min_t: minT, weights: suggestion(report, s.engine, q.horizon) },
      });
    });
  });

  app.openapi(listWeightsRoute, async (c) => {
    const s = await settings();
    return versionedRead<{ items: z.infer<typeof PublicWeightsVersion>[] }>(
      c,
      await readDataVersion(database.db),
      async () => {
        const versions = await listWeights(database.db, s.engine);
        return jsonResponse({
          items: versions.map(({ note: _note, created_by: _by, ...v }) => ({
            ...v,
            active: v.version === s.key.weightsVersion,
          })),
        });
      },
    );
  });

  app.openapi(createWeightsRoute, async (c) => {
    const body = c.req.valid('json');
    const s = await settings();
    if ((body.weights === undefined) === (body.suggested === undefined)) {
      throw new ValidationFailed([{ field: 'body', message: 'give exactly one of `weights` or `suggested`' }]);
    }
    let weights: Record<string, number>;
    if (body.weights) {
      const problems = validateWeights(s.engine, body.weights);
      if (problems.length > 0)
        throw new ValidationFailed(problems.map((message) => ({ field: 'body.weights', message })));
      weights = body.weights;
    } else {
      const r = body.suggested!;
      checkDateRange(r.from, r.to);
      const report = await factorReport(database, s.engine, s.key, { from: r.from, to: r.to });
      const suggested = suggestion(report, s.engine, r.horizon);
      if (!suggested)
        throw new ValidationFailed([
          {
            field: 'body.suggested',
            message: `no component has a positive information ratio with a Newey–West t of at least ${minT} in this range; nothing to suggest`,
          },
        ]);
      weights = suggested;
    }
    const principal = c.get('principal');
    const created = await createWeights(database.db, clock, newId, s.engine, {
      weights,
      source: body.weights ? 'manual' : 'suggested',
      note: body.note ?? null,
      createdBy: principal?.actor ?? null,
    });
    await c.get('platform').audit.record({
      actor: principal?.actor ?? 'anonymous',
      role: principal?.role ?? null,
      action: 'factor_weights.create',
      target: created.version,
      requestId: c.get('requestId'),
      ip: c.get('clientIp'),
      result: 'success',
      detail: { source: created.source, weights: created.weights, note: created.note },
    });
    // Cached public reads (the weights list) revalidate.
    await bumpDataVersion(database.db, clock);
    return c.json({ ...created, active: false }, 201);
  });
  return app;
}
