/**
 * Fencing inside the derive's publication: a run whose step was taken over (its fencing token is
 * no longer the lock's) publishes no read model and leaves the data version as it was; the run
 * that holds the token publishes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/platform/clock.ts';
import { deriveReadModels, deriveScores } from '../src/features/market/derive.ts';
import { DEFAULT_MOVER_RULES } from '../src/features/market/movers.repo.ts';
import { catalogWriter, priceImporter, withRun } from '../src/features/ingest/context.ts';
import { acquire, holdsToken, release } from '../src/features/pipeline/step-locks.repo.ts';
import { FencedOut } from '../src/features/pipeline/pipeline.ts';
import type { PriceObservation } from '../src/features/prices/price-importer.ts';
import type { Kysely } from 'kysely';
import type { Tables } from '../src/platform/db/schema.ts';
import { dialects, label } from './dialects.ts';
import { ingestDatabase } from './ingest-harness.ts';

const obs = (date: string, market: number): PriceObservation => ({
  ref: { kind: 'card', cardId: 'c1', finishLabel: 'holofoil' },
  market: 'tcgplayer',
  currency: 'USD',
  date,
  prices: { market },
});

describe.each(dialects)('fencing inside the derive publication on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const ctx = ingestDatabase(d);
    const fenceFor = (token: number) => async (db: Kysely<Tables>) => {
      if (!(await holdsToken(db, 'derive', token))) throw new FencedOut('derive', token);
    };
    const state = async () => ({
      version:
        (await ctx.database.db.selectFrom('data_version').select('version').where('id', '=', 1).executeTakeFirst())
          ?.version ?? null,
      cents:
        (await ctx.database.db.selectFrom('latest_prices').select('last_cents').executeTakeFirst())?.last_cents ?? null,
    });
    const addPrice = (date: string, market: number) =>
      withRun(ctx, { importer: 'test', feed: 'test', kind: 'prices' }, async (run) => {
        const importer = await priceImporter(ctx, run, 'test');
        await importer.add([obs(date, market)]);
        await importer.flush();
      });

    beforeAll(async () => {
      const now = '2025-10-21T00:00:00.000Z';
      await catalogWriter(ctx).upsertSets([{ id: 's1', name: 'Set' }], now);
      await catalogWriter(ctx).upsertCards([{ id: 'c1', setId: 's1', number: '1', name: 'One' }], now);
      await addPrice('2025-10-19', 10);
      await deriveReadModels(ctx.database, systemClock);
    });

    it('a taken-over run publishes nothing; the current holder publishes', async () => {
      // The old run held token 1; a takeover (after its lease ran out) raised it to 2.
      const at = (iso: string) => ({
        step: 'derive',
        holder: 'h',
        runId: iso,
        nowIso: iso,
        untilIso: '2025-10-21T00:01:00.000Z',
      });
      expect(await acquire(ctx.database.db, at('2025-10-21T00:00:00.000Z'))).toMatchObject({
        kind: 'acquired',
        token: 1,
      });
      expect(
        await acquire(ctx.database.db, { ...at('2025-10-21T00:02:00.000Z'), untilIso: '2025-10-21T00:03:00.000Z' }),
      ).toMatchObject({ kind: 'acquired', token: 2 });

      await addPrice('2025-10-20', 12);
      const before = await state();
      expect(before.cents).toBe(1000);
      await expect(
        deriveReadModels(ctx.database, systemClock, DEFAULT_MOVER_RULES, undefined, undefined, fenceFor(1)),
      ).rejects.toBeInstanceOf(FencedOut);
      await expect(
        deriveScores(
          ctx.database,
          systemClock,
          DEFAULT_MOVER_RULES,
          { engine: 'robust-trend', engineVersion: '2', weightsVersion: 'robust-trend@2:builtin' },
          fenceFor(1),
        ),
      ).rejects.toBeInstanceOf(FencedOut);
      expect(await state()).toEqual(before);

      await deriveReadModels(ctx.database, systemClock, DEFAULT_MOVER_RULES, undefined, undefined, fenceFor(2));
      const after = await state();
      expect(after.cents).toBe(1200);
      expect(after.version).not.toBe(before.version);

      // A run whose lock was released (it was interrupted and recorded so) publishes nothing either.
      await release(ctx.database.db, 'derive', 2);
      await addPrice('2025-10-21', 15);
      const imported = await state();
      await expect(
        deriveReadModels(ctx.database, systemClock, DEFAULT_MOVER_RULES, undefined, undefined, fenceFor(2)),
      ).rejects.toBeInstanceOf(FencedOut);
      expect(await state()).toEqual(imported);
      expect(imported.cents).toBe(1200);
    });
  });
});
