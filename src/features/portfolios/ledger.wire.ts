/**
 * Lots and sales on the wire: money in major units with its currency (DESIGN §10), the printing
 * named by its id with the card it belongs to.
 */
import { z } from '@hono/zod-openapi';
import { DateParam } from '../../platform/http/dates.ts';
import type { LotRow, PrintingRef, SaleRow } from './ledger.repo.ts';
import { AmountSchema, toMajor, MAX_QUANTITY } from './money.ts';

export const ConditionSchema = z
  .enum(['NM', 'LP', 'MP', 'HP', 'DMG'])
  .openapi({ description: 'Near mint, lightly / moderately / heavily played, damaged.', example: 'NM' });

const GradeSchema = z
  .object({
    company: z.string().trim().min(1).max(20).openapi({ example: 'PSA' }),
    grade: z.string().trim().min(1).max(10).openapi({ example: '10' }),
  })
  .strict()
  .openapi('Grade');

const ManualValueInput = z
  .object({
    unit_value: AmountSchema,
    as_of: DateParam.openapi({ description: 'When this value was stated.', example: '2026-11-30' }),
  })
  .strict();

const itemFields = {
  printing_id: z.string().min(1).max(200).optional().openapi({ example: 'base1-4.holofoil' }),
  card_id: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'With `finish` when the card has several printings.', example: 'base1-4' }),
  finish: z.string().min(1).max(100).optional().openapi({ example: 'holofoil' }),
};

export const NewLotSchema = z
  .object({
    ...itemFields,
    item_name: z.string().trim().min(1).max(200).optional().openapi({
      description: 'An item outside the catalogue (a sealed product, a slab); value it with `manual_value`.',
      example: 'Base Set booster box (sealed)',
    }),
    quantity: z.number().int().positive().max(MAX_QUANTITY).openapi({ example: 2 }),
    unit_cost: AmountSchema,
    fees: AmountSchema.optional().openapi({ description: 'Added to the cost basis. Default 0.' }),
    currency: z.string().openapi({ description: 'ISO 4217 code of the amounts.', example: 'USD' }),
    acquired_on: DateParam.openapi({ example: '2026-11-02' }),
    condition: ConditionSchema.optional(),
    grade: GradeSchema.nullable().optional(),
    note: z.string().max(1000).nullable().optional(),
    manual_value: ManualValueInput.nullable()
      .optional()
      .openapi({ description: 'Per-unit value stated by the owner, in the lot currency; shown as such.' }),
  })
  .strict()
  .openapi('NewLot');

export const LotPatchSchema = z
  .object({
    quantity: z.number().int().positive().max(MAX_QUANTITY).optional(),
    unit_cost: AmountSchema.optional(),
    fees: AmountSchema.optional(),
    currency: z.string().optional(),
    acquired_on: DateParam.optional(),
    condition: ConditionSchema.optional(),
    grade: GradeSchema.nullable().optional(),
    note: z.string().max(1000).nullable().optional(),
    manual_value: ManualValueInput.nullable().optional(),
  })
  .strict()
  .openapi('LotPatch');

export const NewSaleSchema = z
  .object({
    ...itemFields,
    lot_id: z.string().max(40).optional().openapi({ description: 'For an item outside the catalogue: its lot.' }),
    quantity: z.number().int().positive().max(MAX_QUANTITY).openapi({ example: 1 }),
    proceeds: AmountSchema.openapi({ description: 'Total received, before fees.', example: 450 }),
    fees: AmountSchema.optional().openapi({ description: 'Selling fees, deducted from the proceeds. Default 0.' }),
    currency: z.string().openapi({ example: 'USD' }),
    sold_on: DateParam.openapi({ example: '2026-11-20' }),
    condition: ConditionSchema.optional(),
    grade: GradeSchema.nullable().optional(),
    note: z.string().max(1000).nullable().optional(),
  })
  .strict()
  .openapi('NewSale');

const PrintingRefSchema = z
  .object({
    id: z.string().openapi({ example: 'base1-4.holofoil' }),
    card_id: z.string().openapi({ example: 'base1-4' }),
    finish: z.string().openapi({ example: 'holofoil' }),
    name: z.string().openapi({ example: 'Charizard' }),
    set_id: z.string().openapi({ example: 'base1' }),
    number: z.string().openapi({ example: '4' }),
    kind: z.enum(['card', 'sealed']),
  })
  .openapi('LedgerPrinting');

export const LotSchema = z
  .object({
    id: z.string().openapi({ example: 'lot_01JDX8M3Q5W7ZK2N4R6T8V0B1C' }),
    printing: PrintingRefSchema.nullable().openapi({ description: 'Null for an item outside the catalogue.' }),
    item_name: z.string().nullable(),
    quantity: z.number().int(),
    unit_cost: z.number(),
    fees: z.number(),
    cost_basis: z.number().openapi({ description: 'quantity × unit_cost + fees.' }),
    currency: z.string(),
    acquired_on: z.string(),
    condition: ConditionSchema,
    grade: GradeSchema.nullable(),
    note: z.string().nullable(),
    manual_value: z
      .object({ unit_value: z.number(), currency: z.string(), as_of: z.string() })
      .nullable()
      .openapi({ description: 'Stated by the owner, not a market price.' }),
    origin: z.enum(['manual', 'import', 'order']),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Lot');

export const SaleSchema = z
  .object({
    id: z.string().openapi({ example: 'sale_01JDX8M3Q5W7ZK2N4R6T8V0B1C' }),
    printing: PrintingRefSchema.nullable(),
    lot_id: z.string().nullable(),
    condition: ConditionSchema,
    grade: GradeSchema.nullable(),
    quantity: z.number().int(),
    proceeds: z.number(),
    fees: z.number(),
    net_proceeds: z.number().openapi({ description: 'proceeds − fees.' }),
    currency: z.string(),
    sold_on: z.string(),
    note: z.string().nullable(),
    origin: z.enum(['manual', 'import', 'order']),
    created_at: z.string(),
  })
  .openapi('Sale');

export type LotWire = z.infer<typeof LotSchema>;
export type SaleWire = z.infer<typeof SaleSchema>;

function printingWire(p: PrintingRef | undefined) {
  return p
    ? { id: p.id, card_id: p.card_id, finish: p.finish, name: p.name, set_id: p.set_id, number: p.number, kind: p.kind }
    : null;
}

const grade = (company: string | null, value: string | null) =>
  company !== null && value !== null ? { company, grade: value } : null;

export function lotWire(row: LotRow, printings: ReadonlyMap<number, PrintingRef>): LotWire {
  const c = row.currency;
  return {
    id: row.id,
    printing: row.printing_key === null ? null : printingWire(printings.get(row.printing_key)),
    item_name: row.item_name,
    quantity: row.quantity,
    unit_cost: toMajor(row.unit_cost_minor, c),
    fees: toMajor(row.fees_minor, c),
    cost_basis: toMajor(row.quantity * row.unit_cost_minor + row.fees_minor, c),
    currency: c,
    acquired_on: row.acquired_on,
    condition: row.condition,
    grade: grade(row.grade_company, row.grade),
    note: row.note,
    manual_value:
      row.manual_value_minor === null || row.manual_value_on === null
        ? null
        : { unit_value: toMajor(row.manual_value_minor, c), currency: c, as_of: row.manual_value_on },
    origin: row.origin,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function saleWire(row: SaleRow, printings: ReadonlyMap<number, PrintingRef>): SaleWire {
  const c = row.currency;
  return {
    id: row.id,
    printing: row.printing_key === null ? null : printingWire(printings.get(row.printing_key)),
    lot_id: row.lot_id,
    condition: row.condition,
    grade: grade(row.grade_company, row.grade),
    quantity: row.quantity,
    proceeds: toMajor(row.proceeds_minor, c),
    fees: toMajor(row.fees_minor, c),
    net_proceeds: toMajor(row.proceeds_minor - row.fees_minor, c),
    currency: c,
    sold_on: row.sold_on,
    note: row.note,
    origin: row.origin,
    created_at: row.created_at,
  };
}
