/**
 * CSV in and out of a portfolio: exports of its lots and sales in cardquant's own columns,
 * imports of such files, and imports of collectors' own collection exports through a column
 * mapping. An import reads and checks every row first and writes all of them through the ledger
 * in one transaction, or nothing (a refusal with the per-row report), unless the caller asks for
 * the matched rows only (docs/PORTFOLIO-CSV.md).
 */
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { ValidationFailed } from '../../platform/errors.ts';
import type { DateFormat } from './collection-fields.ts';
import {
  countReport,
  readCollectionRecord,
  reportRow,
  resolveMapping,
  type ColumnMapping,
  type ReportCounts,
  type ReportRow,
} from './collection-import.ts';
import { matchRows } from './collection-match.ts';
import { parseCsvText, toCsvText, type CsvLimits, type CsvRecord, type Delimiter } from './csv-text.ts';
import {
  headerProblems,
  LOT_COLUMNS,
  lotCsvRow,
  readLotRecord,
  readSaleRecord,
  SALE_COLUMNS,
  saleCsvRow,
} from './ledger-csv.ts';
import { allLots, allSales, findPrintings, printingsByKey, type LotRow } from './ledger.repo.ts';
import type { LedgerService, LotInput, SaleInput } from './ledger.service.ts';

export interface ImportOptions {
  csv: string;
  delimiter?: Delimiter | 'auto';
  /** Check and report only; nothing is written. */
  dry_run?: boolean;
}

export interface CollectionImportOptions extends ImportOptions {
  mapping: ColumnMapping;
  currency: string;
  date_format?: DateFormat;
  /** The acquisition date of rows without one (default: today). */
  acquired_on?: string;
  /** Import the matched valid rows and skip the others, instead of refusing the file. */
  matched_only?: boolean;
}

export interface ImportOutcome {
  /** True when rows that are not importable stopped the import: nothing was written. */
  refused: boolean;
  dry_run: boolean;
  /** Rows written (or, in a dry run, that would be). */
  imported: number;
  skipped: number;
  counts: ReportCounts;
  report: ReportRow[];
}

/** Where the rows of an import's CSV are named in problems. */
const CSV_FIELD = 'body.csv';

export class PortfolioCsvService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly ledger: LedgerService,
    private readonly limits: CsvLimits,
  ) {}

  private today(): string {
    return isoInstant(this.clock.now()).slice(0, 10);
  }

  /** Every lot, oldest acquisition first, in the own columns. */
  async exportLots(portfolioId: string): Promise<string> {
    const lots = await allLots(this.db, portfolioId);
    const printings = await this.printingsOf(lots);
    return toCsvText(
      LOT_COLUMNS,
      lots.map((l) => lotCsvRow(l, l.printing_key === null ? undefined : printings.get(l.printing_key))),
    );
  }

  /** Every sale, oldest first, in the own columns. */
  async exportSales(portfolioId: string): Promise<string> {
    const sales = await allSales(this.db, portfolioId);
    const printings = await this.printingsOf(sales);
    return toCsvText(
      SALE_COLUMNS,
      sales.map((s) => saleCsvRow(s, s.printing_key === null ? undefined : printings.get(s.printing_key))),
    );
  }

  private async printingsOf(rows: { printing_key: number | null }[]) {
    const keys = [...new Set(rows.flatMap((r) => (r.printing_key === null ? [] : [r.printing_key])))];
    return new Map((await printingsByKey(this.db, keys)).map((p) => [p.key, p]));
  }

  /** Imports a file of the own columns (lots or sales); any row that is not importable refuses it. */
  async importLedger(kind: 'lots' | 'sales', portfolioId: string, opts: ImportOptions): Promise<ImportOutcome> {
    const parsed = parseCsvText(opts.csv, this.limits, CSV_FIELD, opts.delimiter);
    const problems = headerProblems(kind, parsed.headers, CSV_FIELD);
    if (problems.length > 0) throw new ValidationFailed(problems);
    const today = this.today();
    const read = parsed.records.map((r) =>
      kind === 'lots' ? readLotRecord(parsed.headers, r.cells, today) : readSaleRecord(parsed.headers, r.cells, today),
    );
    const ids = [...new Set(read.flatMap((r) => (r.input?.printing_id ? [r.input.printing_id] : [])))];
    const known = new Set((await findPrintings(this.db, ids, [])).map((p) => p.id));
    const needLots = kind === 'sales' && read.some((r) => (r.input as SaleInput | null)?.lot_id !== undefined);
    const ownItems = needLots ? outsideCatalogue(await allLots(this.db, portfolioId)) : new Set<string>();
    const report = parsed.records.map((rec, i): ReportRow => {
      const { input, errors } = read[i]!;
      const at = { row: rec.row, line: rec.line, imported_as: null };
      if (!input) return { ...at, status: 'invalid', printing_id: null, errors };
      const lotId = (input as SaleInput).lot_id;
      if (input.printing_id !== undefined && !known.has(input.printing_id)) {
        const detail = `no printing ${input.printing_id}`;
        return { ...at, status: 'unmatched', printing_id: null, reason: 'not_found', detail };
      }
      if (lotId !== undefined && !ownItems.has(lotId)) {
        const message = 'is not a lot of an item outside the catalogue in this portfolio';
        return { ...at, status: 'invalid', printing_id: null, errors: [{ field: 'lot_id', message }] };
      }
      return { ...at, status: 'matched', printing_id: input.printing_id ?? null };
    });
    const inputs = read.map((r) => r.input!);
    return this.write(portfolioId, kind, report, inputs, { dryRun: opts.dry_run ?? false, matchedOnly: false });
  }

  /** Imports a collection export through `mapping`: rows matched to printings, each one a lot. */
  async importCollection(portfolioId: string, opts: CollectionImportOptions): Promise<ImportOutcome> {
    const parsed = parseCsvText(opts.csv, this.limits, CSV_FIELD, opts.delimiter);
    const columns = resolveMapping(parsed.headers, opts.mapping);
    const today = this.today();
    const defaultDate = opts.acquired_on ?? today;
    if (defaultDate > today) {
      throw new ValidationFailed([{ field: 'body.acquired_on', message: `must not be after today (${today})` }]);
    }
    const records = parsed.records.map((r) =>
      readCollectionRecord(r.cells, columns, {
        currency: opts.currency,
        dateFormat: opts.date_format ?? 'YYYY-MM-DD',
        defaultDate,
        today,
      }),
    );
    const outcomes = await matchRows(
      this.db,
      records.map((r) => r.identity),
    );
    const report = parsed.records.map((rec: CsvRecord, i) => reportRow(rec, outcomes[i]!, records[i]!.errors));
    const inputs = records.map((r, i): LotInput => ({
      printing_id: report[i]!.printing_id ?? '',
      quantity: r.quantity,
      unit_cost: r.unitCost,
      currency: opts.currency,
      acquired_on: r.acquiredOn,
      condition: r.condition,
    }));
    return this.write(portfolioId, 'lots', report, inputs, {
      dryRun: opts.dry_run ?? false,
      matchedOnly: opts.matched_only ?? false,
    });
  }

  /** Writes the `matched` rows through the ledger in one transaction, unless the import is refused or a dry run. */
  private async write(
    portfolioId: string,
    kind: 'lots' | 'sales',
    report: ReportRow[],
    inputs: (LotInput | SaleInput)[],
    how: { dryRun: boolean; matchedOnly: boolean },
  ): Promise<ImportOutcome> {
    const counts = countReport(report);
    const chosen = report.flatMap((r, i) => (r.status === 'matched' ? [i] : []));
    const refused = !how.matchedOnly && chosen.length < report.length;
    const outcome = (imported: number): ImportOutcome => ({
      // A dry run answers with its report whatever it found.
      refused: refused && !how.dryRun,
      dry_run: how.dryRun,
      imported,
      skipped: report.length - imported,
      counts,
      report,
    });
    if (refused || chosen.length === 0) return outcome(0);
    if (how.dryRun) return outcome(chosen.length);
    const field = (i: number) => `${CSV_FIELD}.row.${report[chosen[i]!]!.row}`;
    const written =
      kind === 'lots'
        ? await this.ledger.addLots(
            portfolioId,
            chosen.map((i) => inputs[i] as LotInput),
            'import',
            { field },
          )
        : await this.ledger.recordSales(
            portfolioId,
            chosen.map((i) => inputs[i] as SaleInput),
            'import',
            { field },
          );
    chosen.forEach((rowIndex, i) => (report[rowIndex]!.imported_as = written[i]!.id));
    return outcome(written.length);
  }
}

function outsideCatalogue(lots: LotRow[]): Set<string> {
  return new Set(lots.filter((l) => l.printing_key === null).map((l) => l.id));
}
