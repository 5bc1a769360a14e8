/**
 * Storage of daily FX rates (`fx_rates`, unique on base, quote, date). Upserts count like every
 * import (accepted = new, updated = a different rate or feed, unchanged = identical); the
 * `known_at` of an unchanged row keeps the instant we first learned it.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';
import type { WriteOutcome } from '../../shared/run-accounting.ts';
import { FALLBACK_DAYS, type FxRate } from './fx.ts';

export interface StoredFxRate extends FxRate {
  feed: string;
}

const CHUNK = 500;
const key = (r: { base: string; quote: string; date: string }) => `${r.base}|${r.quote}|${r.date}`;

/**
 * Writes rates; a key given twice keeps the last. Returns the counts and how many inputs were
 * such duplicates.
 *
 * @example
 * await upsertFxRates(db, [{ base: 'EUR', quote: 'USD', date: '2025-10-17', rate: 1.1681, feed: 'ecb' }], nowIso);
 */
export async function upsertFxRates(
  db: Kysely<Tables>,
  input: StoredFxRate[],
  knownAt: string,
): Promise<WriteOutcome & { duplicates: number }> {
  const byKey = new Map(input.map((r) => [key(r), r]));
  const rows = [...byKey.values()];
  const out = { accepted: 0, updated: 0, unchanged: 0, duplicates: input.length - rows.length };
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const dates = chunk.map((r) => r.date).sort();
    await db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('fx_rates')
        .select(['base', 'quote', 'date', 'rate', 'feed'])
        .where('base', 'in', [...new Set(chunk.map((r) => r.base))])
        .where('quote', 'in', [...new Set(chunk.map((r) => r.quote))])
        .where('date', '>=', dates[0]!)
        .where('date', '<=', dates[dates.length - 1]!)
        .execute();
      const stored = new Map(existing.map((r) => [key(r), r]));
      const fresh = [];
      for (const r of chunk) {
        const before = stored.get(key(r));
        if (!before) {
          fresh.push({ base: r.base, quote: r.quote, date: r.date, rate: r.rate, feed: r.feed, known_at: knownAt });
          out.accepted++;
        } else if (before.rate === r.rate && before.feed === r.feed) {
          out.unchanged++;
        } else {
          await trx
            .updateTable('fx_rates')
            .set({ rate: r.rate, feed: r.feed, known_at: knownAt })
            .where('base', '=', r.base)
            .where('quote', '=', r.quote)
            .where('date', '=', r.date)
            .execute();
          out.updated++;
        }
      }
      if (fresh.length > 0) await trx.insertInto('fx_rates').values(fresh).execute();
    });
  }
  return out;
}

function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Loads the rates conversions on dates in [`from`, `to`] may use: from `lookbackDays` (default
 * the conversion fallback window) before `from`, so that `from` itself can fall back too.
 *
 * @example
 * const rates = await loadFxRates(db, { from: '2025-10-01', to: '2025-10-31', quotes: ['USD'] });
 * convert(1000, 'EUR', 'USD', '2025-10-04', rates);
 */
export async function loadFxRates(
  db: Kysely<Tables>,
  range: { from: string; to: string; base?: string; quotes?: string[]; lookbackDays?: number },
): Promise<StoredFxRate[]> {
  if (range.quotes && range.quotes.length === 0) return [];
  let q = db
    .selectFrom('fx_rates')
    .select(['base', 'quote', 'date', 'rate', 'feed'])
    .where('base', '=', range.base ?? 'EUR')
    .where('date', '>=', daysBefore(range.from, range.lookbackDays ?? FALLBACK_DAYS))
    .where('date', '<=', range.to);
  if (range.quotes) q = q.where('quote', 'in', range.quotes);
  return q.orderBy('quote').orderBy('date').execute();
}
