import { describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { freshDatabasePerTest, MIGRATED_AT } from '#test/migrations.ts';
import { manualClock } from '../clock.ts';
import { migrate } from '../db/migrator.ts';
import { CircuitBreaker } from './circuit.ts';

describe.each(dialects)('circuit breaker on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const database = freshDatabasePerTest(d);

    async function setup() {
      const db = database();
      await migrate(db, MIGRATED_AT);
      const clock = manualClock('2026-12-06T10:00:00.000Z');
      // Two breakers on one database: two worker processes.
      const one = new CircuitBreaker(db.db, clock, { threshold: 3, openMs: 60_000 });
      const two = new CircuitBreaker(db.db, clock, { threshold: 3, openMs: 60_000 });
      return { clock, one, two };
    }

    it('opens after consecutive failures, is shared, lets one trial through when half-open', async () => {
      const { clock, one, two } = await setup();
      await one.record('webhook:a', false);
      await two.record('webhook:a', false);
      await one.record('webhook:a', true);
      // A success resets the count.
      for (let i = 0; i < 2; i++) await one.record('webhook:a', false);
      expect(await two.gate('webhook:a')).toEqual({ pass: true });
      await two.record('webhook:a', false);
      expect(await one.gate('webhook:a')).toEqual({ pass: false, retryAfterMs: 60_000 });
      expect(await one.gate('webhook:b')).toEqual({ pass: true });
      clock.advance(45_000);
      expect(await two.gate('webhook:a')).toEqual({ pass: false, retryAfterMs: 15_000 });
      clock.advance(15_000);
      const gates = await Promise.all([one.gate('webhook:a'), two.gate('webhook:a')]);
      expect(gates.filter((g) => g.pass)).toHaveLength(1);
      // The trial fails: open again for a full period.
      await one.record('webhook:a', false);
      expect(await two.gate('webhook:a')).toEqual({ pass: false, retryAfterMs: 60_000 });
      clock.advance(60_000);
      expect((await one.gate('webhook:a')).pass).toBe(true);
      await one.record('webhook:a', true);
      expect(await two.gate('webhook:a')).toEqual({ pass: true });
    });

    it('holds a destination until a time without a trial afterwards', async () => {
      const { clock, one, two } = await setup();
      await one.holdUntil('discord-webhook:whe_1', clock.now() + 2500);
      expect(await two.gate('discord-webhook:whe_1')).toEqual({ pass: false, retryAfterMs: 2500 });
      clock.advance(2500);
      expect(await one.gate('discord-webhook:whe_1')).toEqual({ pass: true });
      expect(await two.gate('discord-webhook:whe_1')).toEqual({ pass: true });
    });
  });
});
