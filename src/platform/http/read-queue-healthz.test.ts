import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase } from '#test/harness.ts';
import { seedMarket } from '#test/market-fixtures.ts';

// On SQLite every uncached public read is a synchronous burst on the event loop. Through the
// real app and database: with thirty history reads in flight, a /healthz asked for after the first
// read started answers before most of them, because the reads take turns (one per loop turn).
// Order, not time, is asserted: the machine's speed does not change it.
const sqlite = dialects.find((d) => d.name === 'sqlite')!;

describe(`/healthz while heavy reads are queued on ${sqlite.name}`, () => {
  describe.skipIf(sqlite.skip !== null)(label(sqlite), () => {
    const h = harnessDatabase(sqlite, { RESPONSE_CACHE_MB: '0' });
    beforeAll(async () => {
      await seedMarket(h.runtime.ingest);
    });

    it('answers between the reads, not after all of them', async () => {
      const done: string[] = [];
      const reads = Array.from({ length: 30 }, (_, i) =>
        h.request(`/v1/cards/s1-4/history?from=2020-01-01&x=${i}`).then(async (res) => {
          expect(res.status).toBe(200);
          await res.text();
          done.push(`read ${i}`);
        }),
      );
      const health = new Promise<void>((resolve, reject) =>
        setImmediate(() => {
          h.request('/healthz')
            .then((res) => {
              expect(res.status).toBe(200);
              done.push('healthz');
              resolve();
            })
            .catch(reject);
        }),
      );
      await Promise.all([...reads, health]);
      expect(done).toHaveLength(31);
      expect(done.indexOf('healthz')).toBeLessThan(10);
    });
  });
});

describe(`identical reads queued together on ${sqlite.name}`, () => {
  describe.skipIf(sqlite.skip !== null)(label(sqlite), () => {
    const h = harnessDatabase(sqlite);
    beforeAll(async () => {
      await seedMarket(h.runtime.ingest);
    });

    it('build the answer once: a read that waited its turn finds it in the response cache', async () => {
      const before = h.runtime.database.queryCount;
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          h.request('/v1/movers?window=7d').then(async (res) => {
            expect(res.status).toBe(200);
            return res.text();
          }),
        ),
      );
      expect(new Set(answers).size).toBe(1);
      // One data statement and the shared data-version reads; building each answer would be 20+.
      expect(h.runtime.database.queryCount - before).toBeLessThanOrEqual(5);
    });
  });
});
