/**
 * Reading a collector's own export (any CSV) through the caller's column mapping: which column
 * holds each field, each cell read by collection-fields.ts, and the per-row report an import
 * answers with (docs/PORTFOLIO-CSV.md, "Collection import").
 */
import type { LotCondition } from '../../platform/db/schema.ts';
import { ValidationFailed, type FieldProblem } from '../../platform/errors.ts';
import type { Finish } from '../catalog/finishes.ts';
import {
  cardNameOf,
  cardNumberOf,
  conditionOf,
  dateOf,
  finishOfLabel,
  isIsoDate,
  priceText,
  quantityOf,
  type DateFormat,
} from './collection-fields.ts';
import type { CandidatePrinting } from './collection-match.repo.ts';
import {
  identityOf,
  type MatchMethod,
  type MatchOutcome,
  type RowIdentity,
  type UnmatchedReason,
} from './collection-match.ts';
import { parseAmount } from './money.ts';

export const COLLECTION_FIELDS = [
  'tcgplayer_product_id',
  'name',
  'set',
  'number',
  'finish',
  'condition',
  'quantity',
  'price',
  'date',
] as const;
export type CollectionField = (typeof COLLECTION_FIELDS)[number];
export type ColumnMapping = Partial<Record<CollectionField, string>>;

/**
 * The column of each mapped field. A mapped name matches a header exactly, else the one header
 * equal to it ignoring case and surrounding spaces; `price` must be mapped (it is each lot's unit
 * cost). Every problem is listed on `body.mapping.<field>`.
 */
export function resolveMapping(headers: readonly string[], mapping: ColumnMapping): Map<CollectionField, number> {
  const problems: FieldProblem[] = [];
  const columns = new Map<CollectionField, number>();
  if (mapping.price === undefined) {
    problems.push({
      field: 'body.mapping.price',
      message: 'is required: the column of the unit cost each lot records',
    });
  }
  for (const field of COLLECTION_FIELDS) {
    const name = mapping[field];
    if (name === undefined) continue;
    let index = headers.indexOf(name);
    if (index < 0) {
      const loose = headers.flatMap((h, i) => (h.trim().toLowerCase() === name.trim().toLowerCase() ? [i] : []));
      if (loose.length === 1) index = loose[0]!;
    }
    if (index < 0) {
      problems.push({
        field: `body.mapping.${field}`,
        message: `names no column of the CSV (its columns are ${headers.map((h) => `"${h}"`).join(', ')})`,
      });
    } else columns.set(field, index);
  }
  if (problems.length > 0) throw new ValidationFailed(problems);
  return columns;
}

export interface ReadOptions {
  currency: string;
  dateFormat: DateFormat;
  /** The acquisition date of rows without a date (no column, or an empty cell). */
  defaultDate: string;
  today: string;
}

export interface CollectionRecord {
  identity: RowIdentity;
  condition: LotCondition;
  quantity: number;
  /** The unit cost as plain decimal text (read exactly by the ledger). */
  unitCost: string;
  acquiredOn: string;
  /** Problems of its cells, by field name. */
  errors: FieldProblem[];
}

/**
 * One row's fields. Defaults: quantity 1 without a quantity column, condition NM for an empty
 * cell or no column, `defaultDate` likewise; an empty quantity or price cell is an error.
 */
export function readCollectionRecord(
  cells: readonly string[],
  columns: ReadonlyMap<CollectionField, number>,
  opts: ReadOptions,
): CollectionRecord {
  const errors: FieldProblem[] = [];
  const cell = (field: CollectionField): string | null => {
    const i = columns.get(field);
    const v = i === undefined ? '' : (cells[i] ?? '').trim();
    return v === '' ? null : v;
  };
  const mapped = (field: CollectionField) => columns.has(field);

  let finish: Finish | null = null;
  const finishCell = cell('finish');
  if (finishCell !== null) {
    finish = finishOfLabel(finishCell);
    if (finish === null) errors.push({ field: 'finish', message: `"${finishCell}" is not a finish this import knows` });
  }
  let condition: LotCondition = 'NM';
  const conditionCell = cell('condition');
  if (conditionCell !== null) {
    const read = conditionOf(conditionCell);
    if (read === null) {
      errors.push({ field: 'condition', message: `"${conditionCell}" is not a condition (NM, LP, MP, HP, DMG)` });
    } else {
      condition = read.condition;
      finish ??= read.finish;
    }
  }
  let productId: number | null = null;
  const productCell = cell('tcgplayer_product_id');
  if (productCell !== null) {
    if (/^\d{1,10}$/.test(productCell)) productId = Number(productCell);
    else errors.push({ field: 'tcgplayer_product_id', message: 'must be a whole number' });
  }
  const numberCell = cell('number');
  const number = numberCell === null ? null : cardNumberOf(numberCell);
  if (numberCell !== null && number === null) errors.push({ field: 'number', message: 'is not a card number' });
  const nameCell = cell('name');

  let quantity = 1;
  if (mapped('quantity')) {
    const read = quantityOf(cell('quantity') ?? '');
    if (typeof read === 'string') errors.push({ field: 'quantity', message: read });
    else quantity = read;
  }
  const priceCell = cell('price');
  const unitCost = priceCell === null ? '' : priceText(priceCell);
  const parsed = parseAmount(unitCost, opts.currency);
  if (priceCell === null) errors.push({ field: 'price', message: 'is required' });
  else if (!parsed.ok) errors.push({ field: 'price', message: parsed.message });
  const dateCell = cell('date');
  const acquiredOn = dateCell === null ? opts.defaultDate : dateOf(dateCell, opts.dateFormat, opts.today);
  if (!isIsoDate(acquiredOn)) errors.push({ field: 'date', message: acquiredOn });

  return {
    identity: identityOf({
      productId,
      set: cell('set'),
      number,
      finish,
      name: nameCell === null ? null : cardNameOf(nameCell),
    }),
    condition,
    quantity,
    unitCost,
    acquiredOn,
    errors,
  };
}

/** Most candidates a report lists per row. */
export const MAX_CANDIDATES = 10;

export interface CandidateWire {
  printing_id: string;
  card_id: string;
  name: string;
  set_id: string;
  set_name: string;
  number: string;
  finish: string;
  tcgplayer_product_id: number | null;
}

export interface ReportRow {
  row: number;
  line: number;
  status: 'matched' | 'ambiguous' | 'unmatched' | 'invalid';
  printing_id: string | null;
  matched_by?: MatchMethod;
  candidates?: CandidateWire[];
  candidates_total?: number;
  reason?: UnmatchedReason;
  detail?: string;
  errors?: FieldProblem[];
  /** The lot or sale the row became (null when it was not written). */
  imported_as: string | null;
}

const candidateWire = (p: CandidatePrinting): CandidateWire => ({
  printing_id: p.id,
  card_id: p.card_id,
  name: p.card_name,
  set_id: p.set_id,
  set_name: p.set_name,
  number: p.number,
  finish: p.finish,
  tcgplayer_product_id: p.tcgplayer_product_id,
});

/** The report line of a row from its match and its field problems (problems make it `invalid`). */
export function reportRow(at: { row: number; line: number }, outcome: MatchOutcome, errors: FieldProblem[]): ReportRow {
  const base = { row: at.row, line: at.line, imported_as: null };
  if (errors.length > 0) {
    return {
      ...base,
      status: 'invalid',
      printing_id: outcome.status === 'matched' ? outcome.printing.id : null,
      errors,
    };
  }
  if (outcome.status === 'matched') {
    return { ...base, status: 'matched', printing_id: outcome.printing.id, matched_by: outcome.by };
  }
  if (outcome.status === 'ambiguous') {
    return {
      ...base,
      status: 'ambiguous',
      printing_id: null,
      matched_by: outcome.by,
      candidates: outcome.candidates.slice(0, MAX_CANDIDATES).map(candidateWire),
      candidates_total: outcome.candidates.length,
    };
  }
  return { ...base, status: 'unmatched', printing_id: null, reason: outcome.reason, detail: outcome.detail };
}

export interface ReportCounts {
  rows: number;
  matched: number;
  ambiguous: number;
  unmatched: number;
  invalid: number;
}

export function countReport(report: readonly ReportRow[]): ReportCounts {
  const counts: ReportCounts = { rows: report.length, matched: 0, ambiguous: 0, unmatched: 0, invalid: 0 };
  for (const r of report) counts[r.status]++;
  return counts;
}
