/**
 * One read of every series' prices for the derive step: the latest prices, their movers
 * statistics and sparklines, and the indexes are all computed from it, so the price table is read
 * once instead of once per read model.
 *
 * Each statement reads a range of printings, one row per series with its non-null market prices
 * packed into one string (`packedSeries`): the database does the per-price work and the driver
 * builds one string per series instead of an object per price. The prices are unpacked into
 * reusable typed arrays and flagged prints (docs/METHODS.md, "Flagged prints") are dropped on the
 * way; flags are rare, so they are looked up in memory only for series that have any.
 */
import { epochDate } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { packedSeries, printingKeys } from './derive-latest.repo.ts';
import { flaggedSeriesPrints } from './price-flags.repo.ts';

/** Printings per statement: about 5 MB of packed text for a year of daily prices. */
const PRINTINGS_PER_READ = 1_000;
const DAY_MS = 86_400_000;

/**
 * One series as the scan hands it to each reader. The object and its arrays are reused for the
 * next series: a reader copies what it keeps.
 */
export class ScannedSeries {
  printingKey = 0;
  market = '';
  condition = '';
  currency = '';
  /** Epoch days (days since 1970-01-01) of the unflagged non-null market prices, ascending. */
  days = new Float64Array(512);
  /** The market price on each of `days`, minor units. */
  cents = new Float64Array(512);
  /** How many of `days`/`cents` are this series'. */
  n = 0;
  /** The series' latest day with a market price, flagged or not (NaN when it has none). */
  lastDay = Number.NaN;
}

/** Reads each series the scan hands over, in order of printing key, market, condition, currency. */
export type SeriesReader = (series: ScannedSeries) => void;

/** Value of the `width` decimal digits of `text` starting at `at`. */
function digits(text: string, at: number, width: number): number {
  let value = 0;
  for (let i = at; i < at + width; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return value;
}

/**
 * Unpacks and filters packed prices into a `ScannedSeries`, with scratch arrays of its own.
 *
 * @example
 * new Unpacker().unpack('2025-01-02 150,2025-01-01 100', series, null); // series.days: [20089, 20090], cents: [100, 150]
 */
export class Unpacker {
  private days = new Float64Array(512);
  private cents = new Float64Array(512);
  private order: number[] = [];

  /**
   * `YYYY-MM-DD cents` pairs joined by commas, in any order (aggregates promise none, and sorting
   * inside them costs more than the read: the rows are sorted here only when they arrive out of
   * order), into `out` without the prints `isFlagged` names.
   */
  unpack(packed: string, out: ScannedSeries, isFlagged: ((day: number) => boolean) | null): void {
    let n = 0;
    let ordered = true;
    for (let at = 0; at < packed.length;) {
      // 'YYYY-MM-DD' is 10 characters, then a space, then the cents (digits).
      const day = Date.UTC(digits(packed, at, 4), digits(packed, at + 5, 2) - 1, digits(packed, at + 8, 2)) / DAY_MS;
      let value = 0;
      let end = at + 11;
      for (let c = packed.charCodeAt(end); end < packed.length && c !== 44; c = packed.charCodeAt(++end))
        value = value * 10 + (c - 48);
      at = end + 1;
      if (n === this.days.length) {
        this.days = grown(this.days);
        this.cents = grown(this.cents);
      }
      if (n > 0 && day < this.days[n - 1]!) ordered = false;
      this.days[n] = day;
      this.cents[n] = value;
      n++;
    }
    if (out.days.length < n) {
      out.days = new Float64Array(this.days.length);
      out.cents = new Float64Array(this.days.length);
    }
    const order = ordered ? null : this.sortedOrder(n);
    let kept = 0;
    let last = Number.NaN;
    for (let i = 0; i < n; i++) {
      const k = order === null ? i : order[i]!;
      const day = this.days[k]!;
      last = day;
      if (isFlagged !== null && isFlagged(day)) continue;
      out.days[kept] = day;
      out.cents[kept] = this.cents[k]!;
      kept++;
    }
    out.n = kept;
    out.lastDay = last;
  }

  private sortedOrder(n: number): number[] {
    const order = this.order;
    order.length = n;
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort((a, b) => this.days[a]! - this.days[b]!);
  }
}

function grown(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Reads every series with a market price once, in printing-key ranges, and hands each to every
 * reader in turn (ordered by printing key, then market, condition and currency).
 *
 * @example
 * await scanSeries(database, [(s) => console.log(s.printingKey, s.market, s.n)]);
 */
export async function scanSeries(database: Database, readers: readonly SeriesReader[]): Promise<void> {
  const flagged = await flaggedSeriesPrints(database, '0001-01-01');
  const flaggedSeries = new Set([...flagged].map((k) => k.slice(0, k.lastIndexOf('|'))));
  const keys = await printingKeys(database.db);
  const unpacker = new Unpacker();
  const series = new ScannedSeries();
  // One string per market, condition and currency for every series that keeps it.
  const names = new Map<string, string>();
  const name = (text: string) => names.get(text) ?? (names.set(text, text), text);
  for (let i = 0; i < keys.length; i += PRINTINGS_PER_READ) {
    const first = keys[i]!;
    const last = keys[Math.min(i + PRINTINGS_PER_READ, keys.length) - 1]!;
    for (const [printingKey, market, condition, currency, packed] of await packedSeries(database, first, last)) {
      series.printingKey = Number(printingKey);
      series.market = name(market);
      series.condition = name(condition);
      series.currency = name(currency);
      const key = `${series.printingKey}|${market}|${condition}|${currency}`;
      const isFlagged = flaggedSeries.has(key) ? (day: number) => flagged.has(`${key}|${epochDate(day)}`) : null;
      unpacker.unpack(packed, series, isFlagged);
      for (const read of readers) read(series);
    }
  }
}
