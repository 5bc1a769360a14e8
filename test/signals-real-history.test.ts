/**
 * Signals on the real 16-month TCGplayer history (../shared/data/tcgplayer-history/output.csv, 43
 * items in 3-day buckets), imported with the pokemontcg-data catalogue as in
 * src/features/ingest/sources/history-csv.test.ts. The system this replaces stopped scoring items
 * with more than 90 days of history; here every item with enough observations in its window must
 * have a signal on its last date, and the daily path (one date) must store exactly the rows of the
 * backfill (every date at once).
 *
 * The backfill covers every market date (488: 2025-04-22 … 2026-08-22, 42 items); it takes about
 * 5 s per dialect, so no subset of dates is needed.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogWriter, type IngestContext } from '../src/features/ingest/context.ts';
import { importHistoryCsv } from '../src/features/ingest/sources/history-csv.ts';
import { PRIMARY_SERIES } from '../src/shared/series.ts';
import { MAX_GAP_DAYS } from '../src/features/prices/derive-latest.ts';
import {
  deriveSignals,
  type DeriveSignalsCounts,
  type SignalSettings,
} from '../src/features/signals/derive-signals.ts';
import { DEFAULT_ENGINE, defaultEngines, resolveSignalSettings } from '../src/features/signals/settings.ts';
import { epochDay } from '../src/platform/clock.ts';
import { marketDates, type SignalKey } from '../src/features/signals/signals.repo.ts';
import type { Database } from '../src/platform/db/database.ts';
import { dialects, label } from './dialects.ts';
import { ingestContext } from './ingest-harness.ts';

const SHARED = new URL('../../shared/data/', import.meta.url);
const OUTPUT_CSV = new URL('tcgplayer-history/output.csv', SHARED);
const CATALOG = new URL('pokemontcg-data/', SHARED);
const sharedMissing =
  existsSync(OUTPUT_CSV) && existsSync(CATALOG)
    ? null
    : 'skipped: ../shared/data (tcgplayer-history, pokemontcg-data) is absent';

/** The configured defaults (SIGNALS_MIN_HISTORY, SIGNALS_WINDOW_DAYS). */
const MIN_HISTORY = 14;
const WINDOW_DAYS = 365;
/** The old system's limit: no score for an item with more history than this. */
const OLD_LIMIT_DAYS = 90;

interface PtcgSet {
  id: string;
  name: string;
  series: string;
  ptcgoCode?: string;
  releaseDate: string;
}
interface PtcgCard {
  id: string;
  number: string;
  name: string;
  supertype: string;
}

/** The catalogue subset the history file needs: every set, and the cards of the modern sets. */
async function seedCatalog(ctx: IngestContext): Promise<void> {
  const sets = JSON.parse(readFileSync(new URL('sets/en.json', CATALOG), 'utf8')) as PtcgSet[];
  const modern = new Set(
    readdirSync(new URL('cards/en/', CATALOG))
      .map((f) => f.replace(/\.json$/, ''))
      .filter((id) => /^(sv|swsh)\d+(pt5)?$/.test(id)),
  );
  const cards = [...modern].flatMap((setId) =>
    (JSON.parse(readFileSync(new URL(`cards/en/${setId}.json`, CATALOG), 'utf8')) as PtcgCard[]).map((c) => ({
      id: c.id,
      setId,
      number: c.number,
      name: c.name,
      supertype: c.supertype,
    })),
  );
  const now = ctx.runs.nowIso();
  await catalogWriter(ctx).upsertSets(
    sets.map((s) => ({
      id: s.id,
      name: s.name,
      era: s.series,
      ptcgoCode: s.ptcgoCode ?? null,
      releaseDate: /^\d{4}\/\d{2}\/\d{2}$/.test(s.releaseDate) ? s.releaseDate.replace(/\//g, '-') : null,
    })),
    now,
  );
  await catalogWriter(ctx).upsertCards(cards, now);
}

const textDate = (database: Database) =>
  sql<string>`${sql.raw(database.dialect === 'postgres' ? `to_char(date, 'YYYY-MM-DD')` : 'date')}`;

/** Every stored signal column, the date as text, for one signal key and some dates. */
function signalRows(database: Database, key: SignalKey, dates: readonly string[]) {
  return database.db
    .selectFrom('signals')
    .select([
      'engine',
      'engine_version',
      textDate(database).as('date'),
      'printing_key',
      'status',
      'observations',
      'last_cents',
      'z',
      'score',
      'action',
      'confidence',
      'used_search_interest',
      'raw',
      'standardised',
      'model',
      'reasons',
    ])
    .where('engine', '=', key.engine)
    .where('engine_version', '=', key.engineVersion)
    .where('weights_version', '=', key.weightsVersion)
    .where('date', 'in', dates)
    .orderBy('date')
    .orderBy('printing_key')
    .execute();
}

describe.each(dialects)('signals on the real TCGplayer history on $name', (d) => {
  describe.skipIf(d.skip !== null || sharedMissing !== null)(sharedMissing ?? label(d), () => {
    let url: string;
    let ctx: IngestContext & { close(): Promise<void> };
    let settings: SignalSettings & { key: SignalKey };
    let dates: string[];
    let counts: DeriveSignalsCounts;
    /** Primary-series observation days per printing, ascending. */
    const series = new Map<number, number[]>();

    beforeAll(async () => {
      url = await d.create();
      ctx = await ingestContext(url, '2026-11-25T00:00:00.000Z');
      await seedCatalog(ctx);
      const run = await importHistoryCsv(ctx, { path: OUTPUT_CSV.pathname });
      expect(run.status).toBe('succeeded');
      const observations = await ctx.database.db
        .selectFrom('prices')
        .select(['printing_key', textDate(ctx.database).as('date')])
        .where('market', '=', PRIMARY_SERIES.market)
        .where('condition', '=', PRIMARY_SERIES.condition)
        .where('currency', '=', PRIMARY_SERIES.currency)
        .where('market_cents', '>', 0)
        .orderBy('printing_key')
        .orderBy('date')
        .execute();
      for (const o of observations) {
        const key = Number(o.printing_key);
        if (!series.has(key)) series.set(key, []);
        series.get(key)!.push(epochDay(o.date));
      }
      settings = await resolveSignalSettings(ctx.database.db, ctx.clock, defaultEngines(), {
        engine: DEFAULT_ENGINE,
        minHistory: MIN_HISTORY,
        windowDays: WINDOW_DAYS,
      });
      dates = await marketDates(ctx.database, {});
      counts = await deriveSignals(ctx.database, settings, dates);
    }, 300_000);
    afterAll(async () => {
      await ctx?.close();
      if (url) await d.drop(url);
    });

    // In this file every item has ≥ 14 observations by its last date; the insufficient rule is
    // exercised on the early dates by the next test.
    it('scores every item with enough observations on its last date, and marks the others insufficient', async () => {
      expect(series.size).toBeGreaterThan(30);
      expect(counts.dates).toBe(dates.length);
      const lastDates = [...new Set([...series.values()].map((days) => days[days.length - 1]!))];
      const rows = await signalRows(
        ctx.database,
        settings.key,
        dates.filter((date) => lastDates.includes(epochDay(date))),
      );
      const at = new Map(rows.map((r) => [`${r.printing_key}|${epochDay(r.date)}`, r]));
      const problems: string[] = [];
      let ok = 0;
      let insufficient = 0;
      for (const [key, days] of series) {
        const last = days[days.length - 1]!;
        const inWindow = days.filter((day) => day > last - WINDOW_DAYS).length;
        const row = at.get(`${key}|${last}`);
        if (!row) {
          problems.push(`printing ${key}: no signal on its last date (${inWindow} observations)`);
          continue;
        }
        if (row.observations !== inWindow)
          problems.push(`printing ${key}: ${row.observations} observations stored, ${inWindow} in the window`);
        if (inWindow >= MIN_HISTORY) {
          ok++;
          const valid =
            row.status === 'ok' &&
            row.score !== null &&
            row.score >= 0 &&
            row.score <= 100 &&
            ['BUY', 'HOLD', 'SELL'].includes(row.action ?? '');
          if (!valid)
            problems.push(`printing ${key}: ${row.status} ${row.score} ${row.action} with ${inWindow} observations`);
        } else {
          insufficient++;
          if (row.status !== 'insufficient_data')
            problems.push(`printing ${key}: ${row.status} with only ${inWindow} observations`);
        }
      }
      expect(
        problems,
        `${series.size} items: ${ok} with ≥ ${MIN_HISTORY} observations, ${insufficient} with fewer`,
      ).toEqual([]);
      expect(ok).toBeGreaterThan(30);
    });

    it('has a signal row for every item on every market date it is alive, ok once its window holds enough observations', async () => {
      const stored = await ctx.database.db
        .selectFrom('signals')
        .select(['printing_key', textDate(ctx.database).as('date'), 'status', 'observations'])
        .where('engine', '=', settings.key.engine)
        .where('engine_version', '=', settings.key.engineVersion)
        .where('weights_version', '=', settings.key.weightsVersion)
        .orderBy('printing_key')
        .orderBy('date')
        .execute();
      const actual = stored.map((r) => `${r.printing_key} ${r.date} ${r.status} ${r.observations}`);
      // Alive on t: an observation in [t − MAX_GAP_DAYS, t]; the window is [t − W + 1, t].
      const expected: string[] = [];
      for (const [key, days] of series) {
        for (const date of dates) {
          const t = epochDay(date);
          if (!days.some((day) => day <= t && day >= t - MAX_GAP_DAYS)) continue;
          const inWindow = days.filter((day) => day <= t && day > t - WINDOW_DAYS).length;
          expected.push(`${key} ${date} ${inWindow >= MIN_HISTORY ? 'ok' : 'insufficient_data'} ${inWindow}`);
        }
      }
      expect(
        actual.length,
        `${counts.signals} ok and ${counts.insufficient} insufficient rows over ${dates.length} dates`,
      ).toBe(expected.length);
      expect(actual).toEqual(expected);
    });

    it(`keeps scoring items with more than ${OLD_LIMIT_DAYS} days of history (the old system stopped)`, async () => {
      const long = [...series.entries()].filter(([, days]) => days[days.length - 1]! - days[0]! >= 450);
      expect(long.length, 'items with ≥ 450 days between first and last observation').toBeGreaterThan(0);
      const lateOk = await ctx.database.db
        .selectFrom('signals')
        .select(['printing_key', textDate(ctx.database).as('date')])
        .where('engine', '=', settings.key.engine)
        .where('engine_version', '=', settings.key.engineVersion)
        .where('weights_version', '=', settings.key.weightsVersion)
        .where('status', '=', 'ok')
        .execute();
      // Scored on the last date, ≥ 450 days after the first observation — far past the old limit.
      const scoredLate = long.filter(([key, days]) =>
        lateOk.some((r) => Number(r.printing_key) === key && epochDay(r.date) === days[days.length - 1]!),
      );
      expect(
        scoredLate.length,
        `${scoredLate.length} of ${long.length} items with ≥ 450 days of history scored on their last date`,
      ).toBe(long.length);
    });

    it('stores the same rows for a date computed alone (the daily step) as the backfill did', async () => {
      const firstOk = await ctx.database.db
        .selectFrom('signals')
        .select(sql<string>`min(${textDate(ctx.database)})`.as('date'))
        .where('weights_version', '=', settings.key.weightsVersion)
        .where('status', '=', 'ok')
        .executeTakeFirstOrThrow();
      // The last market date; one in the middle; and one soon after the first ok signal, when
      // windows are still shorter than W and some items are still insufficient.
      const checked = [
        dates[dates.indexOf(firstOk.date) + 7]!,
        dates[Math.floor(dates.length / 2)]!,
        dates[dates.length - 1]!,
      ];
      const daily = { ...settings, weightsVersion: `${settings.weightsVersion}#daily-check` };
      const dailyKey = { ...settings.key, weightsVersion: daily.weightsVersion };
      for (const date of checked) await deriveSignals(ctx.database, daily, [date]);
      const backfill = await signalRows(ctx.database, settings.key, checked);
      const single = await signalRows(ctx.database, dailyKey, checked);
      expect(backfill.filter((r) => r.status === 'ok').length).toBeGreaterThan(checked.length * 10);
      expect(single).toEqual(backfill);
    });
  });
});
