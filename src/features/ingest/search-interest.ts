/**
 * Search interest (SVI): relative search volumes per card and date, optional input to signals.
 * Trends-style values are relative within one query batch (0–100, the batch's peak = 100), so a
 * value is keyed by (card, date, granularity, batch) and keeps the batch's `anchor` — the term
 * every batch shares so batches can be rescaled against each other.
 *
 * Rows are validated one by one and counted in the run: a new key is `accepted`, a changed value
 * or anchor `updated` (with a new `known_at`), an identical row `unchanged`. Rejections:
 * `card_not_in_catalog`, `impossible_date` (not a real date in [1996-01-01, today + 1]),
 * `not_a_number`, `value_out_of_range` (outside [0, 100]), `unknown_granularity` (not day|week),
 * `missing_batch`, and `duplicate_row` (the key repeats in the same input; the last one wins).
 *
 * CSV layout for `importSearchInterestCsv` (RFC 4180, header row, columns in any order):
 *
 *   card_id      catalogue card id                                         required
 *   date         `YYYY-MM-DD`; for weekly data the date the week is labelled with
 *   value        decimal in [0, 100]
 *   granularity  `day` | `week`
 *   batch        id of the query batch the value is relative to (non-empty)
 *   anchor       optional column: the anchor term of the batch; empty = none
 */
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { SearchInterestTable, Tables } from '../../platform/db/schema.ts';
import { isPlausibleDate } from '../prices/price-rules.ts';
import { withRun, type IngestContext } from './context.ts';
import { readCsvFile } from './csv-file.ts';
import type { IngestionRun, IngestionRuns } from './ingestion-run.ts';
import type { RunStart, RunSummary } from '../../shared/run-accounting.ts';
import { existingCardIds, hasSearchInterest, insertValues, storedValues, updateValue } from './search-interest.repo.ts';

/** One row as it arrives (API body or CSV); validated by the service. */
export interface SearchInterestInput {
  card_id: string;
  date: string;
  value: number;
  granularity: string;
  batch: string;
  anchor?: string | null;
}

const CHUNK = 500;
const CSV_COLUMNS = ['card_id', 'date', 'value', 'granularity', 'batch'] as const;

const keyOf = (r: { card_id: string; date: string; granularity: string; batch: string }) =>
  `${r.card_id}|${r.date}|${r.granularity}|${r.batch}`;

export class SearchInterestService {
  constructor(
    private readonly database: Database,
    private readonly runs: IngestionRuns,
    private readonly clock: Clock,
  ) {}

  /**
   * Validates and upserts rows, counting each one in `run`.
   *
   * @example
   * await service.upsert(run, [{ card_id: 'base1-4', date: '2025-10-20', value: 62, granularity: 'day', batch: 'b1' }], 'csv');
   */
  async upsert(run: IngestionRun, input: SearchInterestInput[], feed: string): Promise<void> {
    const nowMs = this.clock.now();
    const today = isoInstant(nowMs).slice(0, 10);
    const known = await this.existingCards([...new Set(input.map((r) => r.card_id))]);
    const valid = new Map<string, SearchInterestTable>();
    for (const r of input) {
      const reason = this.problem(r, known, today);
      if (reason) {
        run.reject(reason);
        continue;
      }
      const row: SearchInterestTable = {
        card_id: r.card_id,
        date: r.date,
        granularity: r.granularity as SearchInterestTable['granularity'],
        batch: r.batch,
        anchor: r.anchor === undefined || r.anchor === '' ? null : r.anchor,
        value: r.value,
        feed,
        known_at: isoInstant(nowMs),
      };
      if (valid.has(keyOf(row))) run.reject('duplicate_row');
      valid.delete(keyOf(row));
      valid.set(keyOf(row), row);
    }
    const rows = [...valid.values()];
    for (let i = 0; i < rows.length; i += CHUNK) run.add(await writeChunk(this.database.db, rows.slice(i, i + CHUNK)));
  }

  /**
   * One recorded ingestion run over `rows` (kind `search_interest`, feed `search-interest`). A
   * storage failure closes the run as failed and is thrown.
   */
  async ingest(rows: SearchInterestInput[], start: Pick<RunStart, 'importer' | 'params'>): Promise<RunSummary> {
    const run = await this.runs.start({ ...start, feed: 'search-interest', kind: 'search_interest' });
    try {
      await this.upsert(run, rows, start.importer);
    } catch (err) {
      await run.finish(err);
      throw err;
    }
    return run.finish();
  }

  private problem(r: SearchInterestInput, known: Set<string>, today: string): string | null {
    if (!known.has(r.card_id)) return 'card_not_in_catalog';
    if (!isPlausibleDate(r.date, today)) return 'impossible_date';
    if (typeof r.value !== 'number' || !Number.isFinite(r.value)) return 'not_a_number';
    if (r.value < 0 || r.value > 100) return 'value_out_of_range';
    if (r.granularity !== 'day' && r.granularity !== 'week') return 'unknown_granularity';
    if (r.batch.trim() === '') return 'missing_batch';
    return null;
  }

  private existingCards(ids: string[]): Promise<Set<string>> {
    return existingCardIds(this.database.db, ids);
  }
}

/** Inserts new keys and updates changed ones in one transaction; counts accepted/updated/unchanged. */
async function writeChunk(db: Kysely<Tables>, rows: SearchInterestTable[]) {
  const out = { accepted: 0, updated: 0, unchanged: 0 };
  const dates = rows.map((r) => r.date).sort();
  await db.transaction().execute(async (trx) => {
    const stored = await storedValues(
      trx,
      [...new Set(rows.map((r) => r.card_id))],
      dates[0]!,
      dates[dates.length - 1]!,
    );
    const before = new Map(stored.map((s) => [keyOf(s), s]));
    const fresh: SearchInterestTable[] = [];
    for (const r of rows) {
      const s = before.get(keyOf(r));
      if (!s) {
        fresh.push(r);
        out.accepted++;
      } else if (s.value === r.value && s.anchor === r.anchor) {
        out.unchanged++;
      } else {
        await updateValue(trx, r);
        out.updated++;
      }
    }
    await insertValues(trx, fresh);
  });
  return out;
}

export { hasSearchInterest };

/**
 * Imports a search-interest CSV file (layout in the header above) as one ingestion run.
 *
 * @example
 * const summary = await importSearchInterestCsv(ctx, { path: 'svi.csv' });
 */
export async function importSearchInterestCsv(ctx: IngestContext, opts: { path: string }): Promise<RunSummary> {
  // gzip is read as it is; other compressed files are refused with a message saying so.
  const body = await readCsvFile(opts.path);
  const start = {
    importer: 'csv',
    feed: 'search-interest',
    kind: 'search_interest',
    params: { file: basename(opts.path) },
  } as const;
  return withRun(ctx, start, async (run) => {
    await run.savePayload(basename(opts.path), body);
    const service = new SearchInterestService(ctx.database, ctx.runs, ctx.clock);
    let header: string[] | null = null;
    const rows: SearchInterestInput[] = [];
    for await (const rec of parse(body, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as AsyncIterable<string[]>) {
      if (header === null) {
        header = rec.map((h) => h.trim().toLowerCase());
        const missing = CSV_COLUMNS.filter((c) => !header!.includes(c));
        if (missing.length > 0) throw new Error(`search-interest CSV lacks columns: ${missing.join(', ')}`);
        continue;
      }
      if (rec.length !== header.length) {
        run.reject('malformed_row');
        continue;
      }
      const get = (c: string) => (rec[header!.indexOf(c)] ?? '').trim();
      const value = get('value');
      rows.push({
        card_id: get('card_id'),
        date: get('date'),
        value: value === '' ? Number.NaN : Number(value),
        granularity: get('granularity'),
        batch: get('batch'),
        anchor: header.includes('anchor') ? get('anchor') || null : null,
      });
    }
    // One upsert over the whole file, so a key repeated anywhere in it counts as `duplicate_row`.
    await service.upsert(run, rows, 'csv');
  });
}
