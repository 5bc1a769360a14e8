/**
 * GET /v1/cards/{id}/signals (a printing's signal history) and GET /v1/cards/{id}/explain (one
 * signal taken apart: each component's contribution, which sum to z, and the score map). Both
 * answer for the card's headline printing unless `?printing=` names another (DESIGN §10).
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { NotFound } from '../../platform/errors.ts';
import { jsonResponse, notModifiedResponse, versionedRead } from '../../platform/http/conditional.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { createRouter, defineRoute, ProblemSchema } from '../../platform/http/route.ts';
import { DEFAULT_ACTION_THRESHOLDS } from '../../quant/score.ts';
import { checkDateRange, DateParam } from '../../platform/http/dates.ts';
import { resolveSeries } from '../prices/series.repo.ts';
import { PRIMARY_SERIES } from '../../shared/series.ts';
import { toMajor } from '../prices/wire.ts';
import type { EngineRegistry, SignalEngine } from './engine.ts';
import { composite } from './derive-signals.ts';
import { resolveSignalSettings, type SignalConfig } from './settings.ts';
import { signalHistory, signalOn, type SignalKey, type SignalPoint } from './signals.repo.ts';

export const SCORE_MAP =
  'score = round(100 · Φ(z), 1), Φ the standard normal distribution function: z = 0 → 50, z = 1 → 84.1, z = −1 → 15.9';

const Reason = z.object({
  code: z.string().openapi({ example: 'trend:high' }),
  text: z
    .string()
    .openapi({ example: 'Trend is strong: +1.8 robust standard deviations against the market that day.' }),
});

const SignalPoint = z
  .object({
    date: z.string().openapi({ example: '2026-11-20' }),
    status: z.enum(['ok', 'insufficient_data']),
    observations: z
      .number()
      .int()
      .openapi({ description: 'Market-price observations inside the window.', example: 212 }),
    price: z
      .number()
      .nullable()
      .openapi({ description: 'Last market price on or before the date, major units.', example: 412.5 }),
    currency: z.string().openapi({ example: 'USD' }),
    z: z.number().nullable().openapi({ description: 'Composite: Σ weight × standardised component.', example: 1.21 }),
    score: z.number().nullable().openapi({ description: SCORE_MAP, example: 88.7 }),
    action: z.enum(['BUY', 'HOLD', 'SELL']).nullable(),
    confidence: z
      .number()
      .nullable()
      .openapi({ description: 'Liquidity/density confidence in [0, 1].', example: 0.62 }),
    used_search_interest: z.boolean(),
    components: z
      .record(z.string(), z.number().nullable())
      .nullable()
      .openapi({ description: 'Standardised components (robust z across printings that day, clamped to ±3).' }),
    reasons: z.array(Reason),
  })
  .openapi('SignalPoint');

const SignalHistory = z
  .object({
    card_id: z.string(),
    printing_id: z.string().nullable(),
    engine: z.string().openapi({ example: 'robust-trend' }),
    engine_version: z.string().openapi({ example: '1' }),
    weights_version: z.string().openapi({ example: 'robust-trend@2:builtin' }),
    min_history: z.number().int(),
    latest: SignalPoint.nullable().openapi({
      description: 'The newest signal; null when the printing has none (never a neutral placeholder).',
    }),
    items: z.array(SignalPoint),
  })
  .openapi('SignalHistory');

const Contribution = z.object({
  component: z.string(),
  description: z.string(),
  raw: z.number().nullable(),
  standardised: z.number().nullable(),
  weight: z.number(),
  contribution: z.number().openapi({ description: 'weight × standardised (0 when unavailable).' }),
});

const Explanation = z
  .object({
    card_id: z.string(),
    printing_id: z.string().nullable(),
    date: z.string().nullable(),
    status: z.enum(['ok', 'insufficient_data', 'no_signal']),
    engine: z.string(),
    engine_version: z.string(),
    weights_version: z.string(),
    observations: z.number().int().nullable(),
    min_history: z.number().int(),
    contributions: z.array(Contribution),
    z: z.number().nullable().openapi({ description: 'Equals the sum of the contributions.' }),
    score: z.number().nullable(),
    score_map: z.string(),
    action: z.enum(['BUY', 'HOLD', 'SELL']).nullable(),
    thresholds: z.object({ buy_z: z.number(), sell_z: z.number(), min_confidence: z.number() }),
    confidence: z.number().nullable(),
    model: z.record(z.string(), z.number()).nullable(),
    reasons: z.array(Reason),
  })
  .openapi('SignalExplanation');

const params = z.object({ id: z.string().min(1).max(120).openapi({ description: 'Card id.', example: 'base1-4' }) });
const printing = z.string().min(1).max(200).optional().openapi({
  description: "A printing id of this card; default the card's headline printing.",
  example: 'base1-4-holofoil',
});
const notFound = {
  description: '`card_not_found` or `printing_not_found`.',
  content: { 'application/problem+json': { schema: ProblemSchema } },
};

export const cardSignalsRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/cards/{id}/signals',
    tags: ['analytics'],
    summary: "A printing's signal history (score, z, action, reasons) for the configured engine and weights",
    request: {
      params,
      query: z.object({
        printing,
        from: DateParam.optional().openapi({ description: 'First date (inclusive).' }),
        to: DateParam.optional().openapi({ description: 'Last date (inclusive).' }),
        limit: z.coerce
          .number()
          .int()
          .min(1)
          .max(3650)
          .default(365)
          .openapi({ description: 'At most this many of the newest signals in the range, sent oldest first.' }),
      }),
    },
    responses: {
      200: { description: 'The history.', content: { 'application/json': { schema: SignalHistory } } },
      304: notModifiedResponse,
      404: notFound,
    },
  },
);

export const cardExplainRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/cards/{id}/explain',
    tags: ['analytics'],
    summary: 'One signal taken apart: contributions (summing to z), score map, thresholds and reasons',
    request: {
      params,
      query: z.object({
        printing,
        date: DateParam.optional().openapi({ description: 'Signal date; default the newest.' }),
      }),
    },
    responses: {
      200: { description: 'The explanation.', content: { 'application/json': { schema: Explanation } } },
      304: notModifiedResponse,
      404: notFound,
    },
  },
);

/** A stored signal as this module reads it (the key columns are known from the request). */
type Row = SignalPoint;

/** The stored model array as an object keyed by the engine's model fields, unavailable values left out. */
function modelObject(engine: SignalEngine, values: (number | null)[]): Record<string, number> {
  const out: Record<string, number> = {};
  engine.modelFields.forEach((field, i) => {
    const v = values[i];
    if (v !== null && v !== undefined) out[field] = v;
  });
  return out;
}

const fmt = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}`;

/** Renders stored reason codes as sentences, with the values they refer to. */
export function renderReasons(
  engine: SignalEngine,
  codes: string[],
  standardised: (number | null)[] | null,
  z: number | null,
  confidence: number | null,
  minHistory: number,
): z.infer<typeof Reason>[] {
  const t = DEFAULT_ACTION_THRESHOLDS;
  return codes.map((code) => {
    const [component, level] = code.split(':');
    const index = engine.components.indexOf(component!);
    const s = index >= 0 ? standardised?.[index] : null;
    let text: string;
    if (code === 'too_few_observations')
      text = `Fewer than ${minHistory} market-price observations in the window: no signal yet (insufficient data, not a neutral score).`;
    else if (code === 'z_at_or_above_buy')
      text = `Composite z ${fmt(z ?? 0)} is at or above the BUY threshold ${t.buyZ}.`;
    else if (code === 'z_at_or_below_sell')
      text = `Composite z ${fmt(z ?? 0)} is at or below the SELL threshold ${t.sellZ}.`;
    else if (code === 'z_between_thresholds')
      text = `Composite z ${fmt(z ?? 0)} is between the SELL (${t.sellZ}) and BUY (${t.buyZ}) thresholds.`;
    else if (code === 'low_confidence')
      text = `Confidence ${(confidence ?? 0).toFixed(2)} is below ${t.minConfidence} (thin trading or wide listings): HOLD whatever z says.`;
    else if (level === 'unavailable')
      text = `${engine.describe[component!] ?? component}: not available for this printing (contributes 0).`;
    else
      text = `${engine.describe[component!] ?? component}: ${level === 'high' ? 'high' : 'low'}, ${fmt(s ?? 0)} robust standard deviations against the market that day.`;
    return { code, text };
  });
}

/** Signal routes; engine and weights are resolved once per process from `config`. */
export function signalsRoutes(
  database: Database,
  clock: Clock,
  registry: EngineRegistry,
  config: SignalConfig,
): OpenAPIHono<AppEnv> {
  const app = createRouter();
  let resolved: Promise<{ engine: SignalEngine; weights: Readonly<Record<string, number>>; key: SignalKey }> | null =
    null;
  const settings = () => {
    resolved ??= resolveSignalSettings(database.db, clock, registry, config).catch((err: unknown) => {
      resolved = null;
      throw err;
    });
    return resolved;
  };

  const head = async (cardId: string, printingId: string | undefined) => {
    const h = await resolveSeries(database, cardId, { printing: printingId, market: 'tcgplayer' });
    if (!h) throw new NotFound('card', cardId);
    if (h.printing_id === null && printingId !== undefined) throw new NotFound('printing', printingId);
    return h;
  };

  /** Which card, printing, engine, engine version and weights version an answer is about. */
  const identity = (cardId: string, printingId: string | null, key: SignalKey) => ({
    card_id: cardId,
    printing_id: printingId,
    engine: key.engine,
    engine_version: key.engineVersion,
    weights_version: key.weightsVersion,
    min_history: config.minHistory,
  });

  const point = (engine: SignalEngine, r: Row) => {
    const standardised = r.standardised === null ? null : (JSON.parse(r.standardised) as (number | null)[]);
    const z = r.z === null ? null : Number(r.z);
    const confidence = r.confidence === null ? null : Number(r.confidence);
    return {
      date: String(r.date),
      status: r.status,
      observations: Number(r.observations),
      price: r.last_cents === null ? null : toMajor(Number(r.last_cents), PRIMARY_SERIES.currency),
      currency: PRIMARY_SERIES.currency,
      z,
      score: r.score === null ? null : Number(r.score),
      action: r.action,
      confidence,
      used_search_interest: Number(r.used_search_interest) === 1,
      components:
        standardised === null
          ? null
          : Object.fromEntries(engine.components.map((c, i) => [c, standardised[i] ?? null])),
      reasons: renderReasons(engine, JSON.parse(r.reasons) as string[], standardised, z, confidence, config.minHistory),
    };
  };

  app.openapi(cardSignalsRoute, async (c) => {
    const id = c.req.param('id');
    const q = c.req.valid('query');
    checkDateRange(q.from, q.to);
    const h = await head(id, q.printing);
    const s = await settings();
    return versionedRead<z.infer<typeof SignalHistory>>(c, h.version, async () => {
      let rows: Row[] = [];
      if (h.printing_key !== null) {
        rows = await signalHistory(database.db, s.key, h.printing_key, { from: q.from, to: q.to, limit: q.limit });
      }
      const items = rows.reverse().map((r) => point(s.engine, r));
      return jsonResponse({
        ...identity(id, h.printing_id, s.key),
        latest: items.length > 0 ? items[items.length - 1]! : null,
        items,
      });
    });
  });

  app.openapi(cardExplainRoute, async (c) => {
    const id = c.req.param('id');
    const q = c.req.valid('query');
    const h = await head(id, q.printing);
    const s = await settings();
    return versionedRead<z.infer<typeof Explanation>>(c, h.version, async () => {
      let row: Row | undefined;
      if (h.printing_key !== null) {
        row = await signalOn(database.db, s.key, h.printing_key, q.date);
      }
      const t = DEFAULT_ACTION_THRESHOLDS;
      const base = {
        ...identity(id, h.printing_id, s.key),
        score_map: SCORE_MAP,
        thresholds: { buy_z: t.buyZ, sell_z: t.sellZ, min_confidence: t.minConfidence },
      };
      if (!row) {
        return jsonResponse({
          ...base,
          date: null,
          status: 'no_signal',
          observations: null,
          contributions: [],
          z: null,
          score: null,
          action: null,
          confidence: null,
          model: null,
          reasons: [],
        });
      }
      const p = point(s.engine, row);
      const raw = row.raw === null ? null : (JSON.parse(row.raw) as (number | null)[]);
      const standardised = row.standardised === null ? null : (JSON.parse(row.standardised) as (number | null)[]);
      const contributions = standardised
        ? s.engine.components.map((comp, i) => {
            const weight = s.weights[comp] ?? 0;
            const value = standardised[i] ?? null;
            return {
              component: comp,
              description: s.engine.describe[comp] ?? comp,
              raw: raw?.[i] ?? null,
              standardised: value,
              weight,
              contribution: value === null ? 0 : weight * value,
            };
          })
        : [];
      return jsonResponse({
        ...base,
        date: p.date,
        status: p.status,
        observations: p.observations,
        contributions,
        // Recomputed the way signal derivation summed it, so Σ contributions = z exactly.
        z: standardised ? composite(s.engine.components, s.weights, standardised) : null,
        score: p.score,
        action: p.action,
        confidence: p.confidence,
        model: row.model === null ? null : modelObject(s.engine, JSON.parse(row.model) as (number | null)[]),
        reasons: p.reasons,
      });
    });
  });
  return app;
}
