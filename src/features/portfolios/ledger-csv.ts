/**
 * cardquant's own CSV files of lots and sales (docs/PORTFOLIO-CSV.md): the columns an export
 * writes, and how an import reads them back. An import reads the columns it knows, ignores the
 * ones only an export writes (ids, card names, origin, timestamps) and refuses any other (a
 * misspelt column would otherwise load as empty). Text cells are unescaped (csv-text.ts), so an
 * export imports back to the same lots.
 */
import type { LotCondition } from '../../platform/db/schema.ts';
import type { FieldProblem } from '../../platform/errors.ts';
import type { LotRow, PrintingRef, SaleRow } from './ledger.repo.ts';
import { CONDITIONS, type LotInput, type SaleInput } from './ledger.service.ts';
import { decimalString, isCurrency, parseAmount } from './money.ts';
import { unescapeCell } from './csv-text.ts';

export const LOT_COLUMNS = [
  'lot_id',
  'printing_id',
  'card_name',
  'set_id',
  'number',
  'finish',
  'item_name',
  'quantity',
  'unit_cost',
  'fees',
  'currency',
  'acquired_on',
  'condition',
  'grade_company',
  'grade',
  'manual_value',
  'manual_value_on',
  'note',
  'origin',
  'created_at',
] as const;

export const SALE_COLUMNS = [
  'sale_id',
  'printing_id',
  'card_name',
  'set_id',
  'number',
  'finish',
  'lot_id',
  'quantity',
  'proceeds',
  'fees',
  'currency',
  'sold_on',
  'condition',
  'grade_company',
  'grade',
  'note',
  'origin',
  'created_at',
] as const;

/** Columns only an export writes: an import ignores them. */
const LOT_EXPORT_ONLY = new Set(['lot_id', 'card_name', 'set_id', 'number', 'finish', 'origin', 'created_at']);
const SALE_EXPORT_ONLY = new Set(['sale_id', 'card_name', 'set_id', 'number', 'finish', 'origin', 'created_at']);
const LOT_REQUIRED = ['quantity', 'unit_cost', 'currency', 'acquired_on'];
const SALE_REQUIRED = ['quantity', 'proceeds', 'currency', 'sold_on'];

const cardCells = (p: PrintingRef | undefined) => [p?.id, p?.name, p?.set_id, p?.number, p?.finish];

/** One lot as an export row, in `LOT_COLUMNS` order. */
export function lotCsvRow(lot: LotRow, printing: PrintingRef | undefined): (string | number | null | undefined)[] {
  const c = lot.currency;
  return [
    lot.id,
    ...cardCells(printing),
    lot.item_name,
    lot.quantity,
    decimalString(lot.unit_cost_minor, c),
    decimalString(lot.fees_minor, c),
    c,
    lot.acquired_on,
    lot.condition,
    lot.grade_company,
    lot.grade,
    lot.manual_value_minor === null ? null : decimalString(lot.manual_value_minor, c),
    lot.manual_value_on,
    lot.note,
    lot.origin,
    lot.created_at,
  ];
}

/** One sale as an export row, in `SALE_COLUMNS` order. */
export function saleCsvRow(sale: SaleRow, printing: PrintingRef | undefined): (string | number | null | undefined)[] {
  const c = sale.currency;
  return [
    sale.id,
    ...cardCells(printing),
    sale.lot_id,
    sale.quantity,
    decimalString(sale.proceeds_minor, c),
    decimalString(sale.fees_minor, c),
    c,
    sale.sold_on,
    sale.condition,
    sale.grade_company,
    sale.grade,
    sale.note,
    sale.origin,
    sale.created_at,
  ];
}

/**
 * The problems of a header row: columns it should not have, and required ones it lacks. An item
 * column is required too: `printing_id` or `item_name` for lots, `printing_id` or `lot_id` for sales.
 */
export function headerProblems(kind: 'lots' | 'sales', headers: readonly string[], field: string): FieldProblem[] {
  const known = new Set<string>(kind === 'lots' ? LOT_COLUMNS : SALE_COLUMNS);
  const problems: FieldProblem[] = [];
  const unknown = headers.filter((h) => !known.has(h));
  if (unknown.length > 0) {
    problems.push({
      field,
      message: `has unknown columns ${unknown.map((h) => `"${h}"`).join(', ')}; the columns are ${[...known].join(', ')}`,
    });
  }
  const item = kind === 'lots' ? ['printing_id', 'item_name'] : ['printing_id', 'lot_id'];
  const missing = (kind === 'lots' ? LOT_REQUIRED : SALE_REQUIRED).filter((h) => !headers.includes(h));
  if (!item.some((h) => headers.includes(h))) missing.push(item.join(' or '));
  if (missing.length > 0) problems.push({ field, message: `lacks the columns ${missing.join(', ')}` });
  const repeated = headers.filter((h, i) => headers.indexOf(h) !== i);
  if (repeated.length > 0)
    problems.push({ field, message: `repeats the columns ${[...new Set(repeated)].join(', ')}` });
  return problems;
}

/** The cells of a record by column name, unescaped, empty cells as undefined; export-only columns left out. */
function cellsOf(kind: 'lots' | 'sales', headers: readonly string[], cells: readonly string[]) {
  const exportOnly = kind === 'lots' ? LOT_EXPORT_ONLY : SALE_EXPORT_ONLY;
  const out = new Map<string, string>();
  headers.forEach((h, i) => {
    const value = unescapeCell(cells[i] ?? '').trim();
    if (!exportOnly.has(h) && value !== '') out.set(h, value);
  });
  return out;
}

export interface ParsedRecord<T> {
  input: T | null;
  errors: FieldProblem[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The longest text cells, as the API's own fields allow them. */
const MAX_LENGTH: Record<string, number> = {
  printing_id: 200,
  item_name: 200,
  lot_id: 40,
  grade_company: 20,
  grade: 10,
  note: 1000,
};

/** Checks shared by both kinds; `field` names the cell in problems (the column name). */
class RecordReader {
  readonly errors: FieldProblem[] = [];
  constructor(
    private readonly cells: Map<string, string>,
    private readonly today: string,
  ) {}

  /** A text cell, at most as long as the API accepts it (ledger.wire.ts). */
  text(name: string): string | undefined {
    const v = this.cells.get(name);
    const max = MAX_LENGTH[name];
    if (v !== undefined && max !== undefined && v.length > max)
      this.errors.push({ field: name, message: `must be at most ${max} characters` });
    return v;
  }
  required(name: string): string {
    const v = this.cells.get(name);
    if (v === undefined) this.errors.push({ field: name, message: 'is required' });
    return v ?? '';
  }
  quantity(): number {
    const v = this.required('quantity');
    if (v !== '' && !/^\d{1,9}$/.test(v)) this.errors.push({ field: 'quantity', message: 'must be a whole number' });
    if (v !== '' && /^\d{1,9}$/.test(v) && Number(v) === 0)
      this.errors.push({ field: 'quantity', message: 'must be greater than 0' });
    return Number(v);
  }
  currency(): string {
    const v = this.required('currency').toUpperCase();
    if (v !== '' && !isCurrency(v)) this.errors.push({ field: 'currency', message: 'is not an ISO 4217 currency' });
    return v;
  }
  amount(name: string, currency: string, required: boolean): string | undefined {
    const v = required ? this.required(name) : this.cells.get(name);
    if (v === undefined || v === '') return undefined;
    // An amount in an unknown currency is read as USD, so its decimals are still checked.
    const parsed = parseAmount(v, isCurrency(currency) ? currency : 'USD');
    if (!parsed.ok) this.errors.push({ field: name, message: parsed.message });
    return v;
  }
  date(name: string, required: boolean): string | undefined {
    const v = required ? this.required(name) : this.cells.get(name);
    if (v === undefined || v === '') return undefined;
    const ms = Date.parse(`${v}T00:00:00Z`);
    if (!DATE.test(v) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== v)
      this.errors.push({ field: name, message: 'must be a date YYYY-MM-DD' });
    else if (v > this.today) this.errors.push({ field: name, message: `must not be after today (${this.today})` });
    return v;
  }
  condition(): LotCondition | undefined {
    const v = this.cells.get('condition')?.toUpperCase();
    if (v === undefined) return undefined;
    if (!(CONDITIONS as readonly string[]).includes(v))
      this.errors.push({ field: 'condition', message: `must be one of ${CONDITIONS.join(', ')}` });
    return v as LotCondition;
  }
  grade(): { company: string; grade: string } | null {
    const company = this.text('grade_company');
    const grade = this.text('grade');
    if ((company === undefined) !== (grade === undefined))
      this.errors.push({ field: company === undefined ? 'grade_company' : 'grade', message: 'goes with the other' });
    return company !== undefined && grade !== undefined ? { company, grade } : null;
  }
}

/** A lot row of an own-format file as the ledger's input, or the problems of its cells. */
export function readLotRecord(
  headers: readonly string[],
  cells: readonly string[],
  today: string,
): ParsedRecord<LotInput> {
  const r = new RecordReader(cellsOf('lots', headers, cells), today);
  const printingId = r.text('printing_id');
  const itemName = r.text('item_name');
  if (printingId === undefined && itemName === undefined)
    r.errors.push({
      field: 'printing_id',
      message: 'give printing_id, or item_name for an item outside the catalogue',
    });
  const quantity = r.quantity();
  const currency = r.currency();
  const unitCost = r.amount('unit_cost', currency, true);
  const fees = r.amount('fees', currency, false);
  const acquiredOn = r.date('acquired_on', true);
  const manualValue = r.amount('manual_value', currency, false);
  const manualOn = r.date('manual_value_on', false);
  if ((manualValue === undefined) !== (manualOn === undefined))
    r.errors.push({
      field: manualValue === undefined ? 'manual_value' : 'manual_value_on',
      message: 'goes with the other',
    });
  const condition = r.condition();
  const grade = r.grade();
  const note = r.text('note') ?? null;
  if (r.errors.length > 0) return { input: null, errors: r.errors };
  return {
    input: {
      ...(printingId !== undefined ? { printing_id: printingId } : { item_name: itemName }),
      quantity,
      unit_cost: unitCost!,
      ...(fees !== undefined ? { fees } : {}),
      currency,
      acquired_on: acquiredOn!,
      ...(condition !== undefined ? { condition } : {}),
      grade,
      note,
      manual_value: manualValue !== undefined ? { unit_value: manualValue, as_of: manualOn! } : null,
    },
    errors: [],
  };
}

/** A sale row of an own-format file as the ledger's input, or the problems of its cells. */
export function readSaleRecord(
  headers: readonly string[],
  cells: readonly string[],
  today: string,
): ParsedRecord<SaleInput> {
  const r = new RecordReader(cellsOf('sales', headers, cells), today);
  const printingId = r.text('printing_id');
  const lotId = r.text('lot_id');
  if (printingId === undefined && lotId === undefined)
    r.errors.push({ field: 'printing_id', message: 'give printing_id, or lot_id for an item outside the catalogue' });
  const quantity = r.quantity();
  const currency = r.currency();
  const proceeds = r.amount('proceeds', currency, true);
  const fees = r.amount('fees', currency, false);
  const soldOn = r.date('sold_on', true);
  const condition = r.condition();
  const grade = r.grade();
  const note = r.text('note') ?? null;
  if (r.errors.length > 0) return { input: null, errors: r.errors };
  return {
    input: {
      ...(printingId !== undefined ? { printing_id: printingId } : { lot_id: lotId }),
      quantity,
      proceeds: proceeds!,
      ...(fees !== undefined ? { fees } : {}),
      currency,
      sold_on: soldOn!,
      ...(condition !== undefined ? { condition } : {}),
      grade,
      note,
    },
    errors: [],
  };
}
