/**
 * A valuation on the wire: money in major units of the base currency, always with `currency`
 * (DESIGN §10); total return in percent; every FX rate used named with its date.
 */
import { z } from '@hono/zod-openapi';
import { ConditionSchema } from './ledger.wire.ts';
import { toMajor } from './money.ts';
import type { PortfolioValuation, SaleRealization } from './valuation.service.ts';
import type { FxUsed } from './valuation.ts';

export const FxUsedSchema = z
  .object({
    currency: z.string().openapi({ example: 'EUR' }),
    rate_date: z.string().openapi({ description: 'The ECB reference date of the rate.', example: '2026-11-20' }),
    rate: z.number().openapi({ description: 'Units of the base currency per unit of `currency`.', example: 1.0512 }),
  })
  .openapi('FxRateUsed');

export const SaleRealizedSchema = z
  .object({
    currency: z.string().openapi({ description: 'The portfolio base currency.', example: 'USD' }),
    cost_basis: z.number().openapi({ description: 'Basis the sale removed, by the portfolio cost method.' }),
    net_proceeds: z.number().openapi({ description: 'Proceeds − fees, at the sale date rate.' }),
    gain: z.number().openapi({ description: 'Realized P&L: net_proceeds − cost_basis.' }),
    fx: z.array(FxUsedSchema).openapi({
      description: 'Rates used: the sale date rate for the proceeds, the acquisition date rates of the lots.',
    }),
  })
  .nullable()
  .openapi('SaleRealized', { description: 'Null when an amount has no ECB rate to convert it.' });

export type SaleRealizedWire = z.infer<typeof SaleRealizedSchema>;

export function saleRealizedWire(r: SaleRealization | undefined): SaleRealizedWire {
  if (!r || !r.ok) return null;
  const c = r.base_currency;
  return {
    currency: c,
    cost_basis: toMajor(r.cost_minor, c),
    net_proceeds: toMajor(r.net_proceeds_minor, c),
    gain: toMajor(r.gain_minor, c),
    fx: r.fx,
  };
}

const PrintingSchema = z
  .object({
    id: z.string().openapi({ example: 'base1-4.holofoil' }),
    card_id: z.string().openapi({ example: 'base1-4' }),
    name: z.string().openapi({ example: 'Charizard' }),
    set_id: z.string().openapi({ example: 'base1' }),
    number: z.string().openapi({ example: '4' }),
    finish: z.string().openapi({ example: 'holofoil' }),
  })
  .nullable()
  .openapi({ description: 'Null for an item outside the catalogue.' });

const identity = {
  holding: z.string().openapi({ description: 'The holding key (printing, condition, grade).', example: 'p12|NM|' }),
  printing: PrintingSchema,
  item_name: z.string().nullable(),
  condition: ConditionSchema,
  grade: z.object({ company: z.string(), grade: z.string() }).nullable(),
  quantity: z.number().int(),
  lot_ids: z.array(z.string()).openapi({ description: 'The open lots, oldest first.' }),
};

const FLAGS = ['condition_fallback', 'market_fallback', 'field_fallback', 'stale', 'manual'] as const;

export const ValuedHoldingSchema = z
  .object({
    ...identity,
    currency: z.string().openapi({ description: 'Base currency of cost_basis, market_value, unrealized.' }),
    cost_basis: z.number().openapi({ description: 'Open cost basis, at the acquisition dates rates.' }),
    unit_price: z.object({
      source: z.enum(['market', 'manual']).openapi({ description: '`manual`: stated by the owner.' }),
      amount: z.number().openapi({ description: 'Per unit, in the price currency.' }),
      currency: z.string(),
      market: z.string().nullable(),
      condition: z.string().nullable().openapi({ description: 'The condition of the price (NM on a fallback).' }),
      field: z.enum(['market', 'low']).nullable(),
      date: z.string().openapi({ description: 'Date of the price, or when the manual value was stated.' }),
      flags: z.array(z.enum(FLAGS)),
    }),
    market_value: z.number().openapi({ description: 'quantity × unit price, at the valuation date rate.' }),
    unrealized: z.number(),
    fx: FxUsedSchema.nullable().openapi({ description: 'The rate the value was converted at, if any.' }),
  })
  .openapi('ValuedHolding');

export const UnpricedHoldingSchema = z
  .object({
    ...identity,
    currency: z.string(),
    cost_basis: z.number().nullable().openapi({ description: 'Null when a lot cost itself has no rate.' }),
    reason: z.enum(['no_price', 'graded', 'no_fx_rate']).openapi({
      description: 'no_price: no market price nor manual value; graded: a graded copy without a manual value.',
    }),
  })
  .openapi('UnpricedHolding');

const header = {
  portfolio_id: z.string(),
  as_of: z.string().openapi({ description: 'The valuation date.', example: '2026-11-21' }),
  currency: z.string().openapi({ description: 'The portfolio base currency.', example: 'USD' }),
  cost_method: z.enum(['fifo', 'average']),
  preferred_market: z.string(),
  price_field: z.enum(['market', 'low']),
};

export const SummarySchema = z
  .object({
    ...header,
    value: z.number().openapi({ description: 'Market (and manual) value of the priced holdings.' }),
    cost: z.number().openapi({ description: 'Open cost basis of the priced holdings.' }),
    unrealized: z.number(),
    realized: z.number().openapi({ description: 'Realized P&L of every sale up to as_of.' }),
    cost_bought: z.number().openapi({ description: 'Cost of everything bought up to as_of.' }),
    proceeds: z.number().openapi({ description: 'Net proceeds of every sale up to as_of.' }),
    total_return_pct: z.number().nullable().openapi({
      description: '(realized + unrealized) / cost_bought, percent, 4 decimals; null before any purchase.',
    }),
    priced_holdings: z.number().int(),
    unpriced_holdings: z.number().int().openapi({ description: 'Never counted as 0: left out of value and cost.' }),
    unpriced_cost: z.number().openapi({ description: 'Open cost basis of the unpriced holdings.' }),
    unconverted_sales: z.number().int().openapi({ description: 'Sales left out of realized: an amount has no rate.' }),
    fx: z.array(FxUsedSchema),
  })
  .openapi('PortfolioSummary');

export const HoldingsSchema = z
  .object({
    ...header,
    holdings: z.array(ValuedHoldingSchema),
    unpriced: z.array(UnpricedHoldingSchema),
    fx: z.array(FxUsedSchema),
  })
  .openapi('PortfolioHoldings');

const pct = (x: number | null) => (x === null ? null : Number((x * 100).toFixed(4)));

function headerWire(v: PortfolioValuation) {
  return {
    portfolio_id: v.portfolio_id,
    as_of: v.as_of,
    currency: v.base_currency,
    cost_method: v.cost_method,
    preferred_market: v.preferred_market,
    price_field: v.price_field,
  };
}

const fxWire = (fx: FxUsed[]) => fx.map((f) => ({ currency: f.currency, rate_date: f.rate_date, rate: f.rate }));

export function summaryWire(v: PortfolioValuation): z.infer<typeof SummarySchema> {
  const c = v.base_currency;
  const t = v.totals;
  return {
    ...headerWire(v),
    value: toMajor(t.value_minor, c),
    cost: toMajor(t.cost_minor, c),
    unrealized: toMajor(t.unrealized_minor, c),
    realized: toMajor(t.realized_minor, c),
    cost_bought: toMajor(t.cost_bought_minor, c),
    proceeds: toMajor(t.proceeds_minor, c),
    total_return_pct: pct(t.total_return),
    priced_holdings: t.priced_holdings,
    unpriced_holdings: t.unpriced_holdings,
    unpriced_cost: toMajor(t.unpriced_cost_minor, c),
    unconverted_sales: v.unrealizable.length,
    fx: fxWire(v.fx),
  };
}

function printingWire(p: PortfolioValuation['holdings'][number]['printing']) {
  return p && { id: p.id, card_id: p.card_id, name: p.name, set_id: p.set_id, number: p.number, finish: p.finish };
}

export function holdingsWire(v: PortfolioValuation): z.infer<typeof HoldingsSchema> {
  const c = v.base_currency;
  return {
    ...headerWire(v),
    holdings: v.holdings.map((h) => ({
      holding: h.holding,
      printing: printingWire(h.printing),
      item_name: h.item_name,
      condition: h.condition,
      grade: h.grade,
      quantity: h.quantity,
      lot_ids: h.lot_ids,
      currency: c,
      cost_basis: toMajor(h.cost_minor, c),
      unit_price: {
        source: h.unit_price.source,
        amount: toMajor(h.unit_price.amount_minor, h.unit_price.currency),
        currency: h.unit_price.currency,
        market: h.unit_price.market,
        condition: h.unit_price.condition,
        field: h.unit_price.field,
        date: h.unit_price.date,
        flags: h.unit_price.flags,
      },
      market_value: toMajor(h.value_minor, c),
      unrealized: toMajor(h.unrealized_minor, c),
      fx: h.fx,
    })),
    unpriced: v.unpriced.map((h) => ({
      holding: h.holding,
      printing: printingWire(h.printing),
      item_name: h.item_name,
      condition: h.condition,
      grade: h.grade,
      quantity: h.quantity,
      lot_ids: h.lot_ids,
      currency: c,
      cost_basis: toMajor(h.cost_minor, c),
      reason: h.reason,
    })),
    fx: fxWire(v.fx),
  };
}
