/**
 * The portfolio export: everything a portfolio holds (settings, watchlist, lots, sales) as one
 * JSON document whose amounts are exact decimal strings with their currency, so importing it
 * into a new portfolio gives the same ledger to the last minor unit. Pure: rows in, a document
 * out; a document in, ledger inputs out.
 */
import { z } from '@hono/zod-openapi';
import { DateParam } from '../../platform/http/dates.ts';
import type { LotRow, PrintingRef, SaleRow } from './ledger.repo.ts';
import type { LotInput, SaleInput } from './ledger.service.ts';
import { ConditionSchema } from './ledger.wire.ts';
import { decimalString, MAX_QUANTITY } from './money.ts';
import type { PortfolioRow, WatchlistEntry } from './portfolio-identity.repo.ts';

export const EXPORT_FORMAT = 'cardquant.portfolio';
export const EXPORT_VERSION = 1;

/** Lots or sales one import may carry. */
export const MAX_IMPORT_ROWS = 20_000;

const Decimal = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,15})?$/, 'must be a decimal string such as 19.99')
  .openapi({ description: 'Exact decimal, major units of the row currency.', example: '19.99' });

const Grade = z.object({ company: z.string().trim().min(1).max(20), grade: z.string().trim().min(1).max(10) }).strict();
const Origin = z.enum(['manual', 'import', 'order']);

const ExportLot = z
  .object({
    ref: z.string().min(1).max(40).openapi({ description: 'The lot id in the exporting portfolio.' }),
    printing_id: z.string().min(1).max(200).nullable(),
    item_name: z.string().min(1).max(200).nullable(),
    quantity: z.number().int().positive().max(MAX_QUANTITY),
    unit_cost: Decimal,
    fees: Decimal,
    currency: z.string().regex(/^[A-Z]{3}$/),
    acquired_on: DateParam,
    condition: ConditionSchema,
    grade: Grade.nullable(),
    note: z.string().max(1000).nullable(),
    manual_value: z.object({ unit_value: Decimal, as_of: DateParam }).strict().nullable(),
    origin: Origin,
    created_at: z.string().max(40).optional(),
    updated_at: z.string().max(40).optional(),
  })
  .strict()
  .openapi('ExportedLot');

const ExportSale = z
  .object({
    ref: z.string().min(1).max(40),
    printing_id: z.string().min(1).max(200).nullable(),
    lot_ref: z
      .string()
      .min(1)
      .max(40)
      .nullable()
      .openapi({ description: 'For an item outside the catalogue: its lot.' }),
    condition: ConditionSchema,
    grade: Grade.nullable(),
    quantity: z.number().int().positive().max(MAX_QUANTITY),
    proceeds: Decimal,
    fees: Decimal,
    currency: z.string().regex(/^[A-Z]{3}$/),
    sold_on: DateParam,
    note: z.string().max(1000).nullable(),
    origin: Origin,
    created_at: z.string().max(40).optional(),
  })
  .strict()
  .openapi('ExportedSale');

export const PortfolioExportSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    format_version: z.literal(EXPORT_VERSION),
    exported_at: z.string().max(40).optional(),
    portfolio: z
      .object({
        id: z.string().max(40).optional(),
        name: z.string().trim().min(1).max(100).nullable(),
        created_at: z.string().max(40).optional(),
        base_currency: z.string().regex(/^[A-Z]{3}$/),
        cost_method: z.enum(['fifo', 'average']),
        preferred_market: z.enum(['tcgplayer', 'cardmarket']),
        price_field: z.enum(['market', 'low']),
      })
      .strict(),
    watchlist: z
      .array(
        z
          .object({
            printing_id: z.string().min(1).max(200),
            added_at: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, {
                message: 'must be an ISO-8601 UTC instant',
                abort: true,
              })
              .refine((v) => !Number.isNaN(Date.parse(v)), 'is not a real instant'),
          })
          .strict(),
      )
      .max(10_000),
    lots: z.array(ExportLot).max(MAX_IMPORT_ROWS),
    sales: z.array(ExportSale).max(MAX_IMPORT_ROWS),
  })
  .strict()
  .superRefine((doc, ctx) => {
    // Sales name their lot by ref: two lots with one ref would send a sale to the wrong one.
    const seen = new Set<string>();
    doc.lots.forEach((lot, i) => {
      if (seen.has(lot.ref)) ctx.addIssue({ code: 'custom', path: ['lots', i, 'ref'], message: 'is given twice' });
      seen.add(lot.ref);
    });
  })
  .openapi('PortfolioExport');

export type PortfolioExport = z.infer<typeof PortfolioExportSchema>;

const grade = (company: string | null, value: string | null) =>
  company !== null && value !== null ? { company, grade: value } : null;

/** The export document of a portfolio's rows. */
export function buildExport(
  p: PortfolioRow,
  watchlist: readonly WatchlistEntry[],
  lots: readonly LotRow[],
  sales: readonly SaleRow[],
  printings: ReadonlyMap<number, PrintingRef>,
  exportedAt: string,
): PortfolioExport {
  const printingId = (key: number | null) => (key === null ? null : (printings.get(key)?.id ?? null));
  return {
    format: EXPORT_FORMAT,
    format_version: EXPORT_VERSION,
    exported_at: exportedAt,
    portfolio: {
      id: p.id,
      name: p.name,
      created_at: p.created_at,
      base_currency: p.base_currency,
      cost_method: p.cost_method,
      preferred_market: p.preferred_market as 'tcgplayer' | 'cardmarket',
      price_field: p.price_field,
    },
    watchlist: watchlist.map((w) => ({ printing_id: w.printing_id, added_at: w.added_at })),
    lots: lots.map((l) => ({
      ref: l.id,
      printing_id: printingId(l.printing_key),
      item_name: l.item_name,
      quantity: l.quantity,
      unit_cost: decimalString(l.unit_cost_minor, l.currency),
      fees: decimalString(l.fees_minor, l.currency),
      currency: l.currency,
      acquired_on: l.acquired_on,
      condition: l.condition,
      grade: grade(l.grade_company, l.grade),
      note: l.note,
      manual_value:
        l.manual_value_minor === null || l.manual_value_on === null
          ? null
          : { unit_value: decimalString(l.manual_value_minor, l.currency), as_of: l.manual_value_on },
      origin: l.origin,
      created_at: l.created_at,
      updated_at: l.updated_at,
    })),
    sales: sales.map((s) => ({
      ref: s.id,
      printing_id: printingId(s.printing_key),
      lot_ref: s.printing_key === null ? s.lot_id : null,
      condition: s.condition,
      grade: grade(s.grade_company, s.grade),
      quantity: s.quantity,
      proceeds: decimalString(s.proceeds_minor, s.currency),
      fees: decimalString(s.fees_minor, s.currency),
      currency: s.currency,
      sold_on: s.sold_on,
      note: s.note,
      origin: s.origin,
      created_at: s.created_at,
    })),
  };
}

/** Consecutive rows of one origin, with the index of each row in the document. */
export interface OriginRun<T> {
  origin: 'manual' | 'import' | 'order';
  rows: T[];
  indexes: number[];
}

/** Splits rows into runs of one origin, keeping their order (so re-exported ids sort the same). */
export function originRuns<T extends { origin: 'manual' | 'import' | 'order' }>(rows: readonly T[]): OriginRun<T>[] {
  const runs: OriginRun<T>[] = [];
  rows.forEach((row, i) => {
    const last = runs.at(-1);
    if (last && last.origin === row.origin) {
      last.rows.push(row);
      last.indexes.push(i);
    } else runs.push({ origin: row.origin, rows: [row], indexes: [i] });
  });
  return runs;
}

export function lotInput(l: PortfolioExport['lots'][number]): LotInput {
  return {
    ...(l.printing_id !== null ? { printing_id: l.printing_id } : {}),
    ...(l.item_name !== null && l.printing_id === null ? { item_name: l.item_name } : {}),
    quantity: l.quantity,
    unit_cost: l.unit_cost,
    fees: l.fees,
    currency: l.currency,
    acquired_on: l.acquired_on,
    condition: l.condition,
    grade: l.grade,
    note: l.note,
    manual_value: l.manual_value,
  };
}

/** A sale of the document as a ledger input; `lotIds` maps the exported lot refs to the new lots. */
export function saleInput(s: PortfolioExport['sales'][number], lotIds: ReadonlyMap<string, string>): SaleInput {
  return {
    ...(s.printing_id !== null ? { printing_id: s.printing_id } : {}),
    ...(s.printing_id === null ? { lot_id: (s.lot_ref !== null ? lotIds.get(s.lot_ref) : undefined) ?? '' } : {}),
    quantity: s.quantity,
    proceeds: s.proceeds,
    fees: s.fees,
    currency: s.currency,
    sold_on: s.sold_on,
    condition: s.condition,
    grade: s.grade,
    note: s.note,
  };
}
