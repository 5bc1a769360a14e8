/**
 * The operations gauges on /metrics, on both dialects: set at scrape time from the database, so
 * pipeline steps, importer runs and scheduled jobs recorded by another process (a child, another
 * replica) show up; data freshness per market as /v1/meta computes it.
 */
import { describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ADMIN_TOKEN, bearer, harnessDatabase } from '#test/harness.ts';
import { seedMarket } from '#test/market-fixtures.ts';

/** The value of one series (`name{labels}` exactly as exposed), or undefined when absent. */
function series(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  const head = wanted ? `${name}{${wanted}} ` : `${name} `;
  const line = text.split('\n').find((l) => l.startsWith(head));
  return line === undefined ? undefined : Number(line.slice(head.length));
}

describe.each(dialects)('operations gauges on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    const scrape = async () => {
      const res = await h.request('/metrics', { headers: bearer(ADMIN_TOKEN) });
      expect(res.status).toBe(200);
      return res.text();
    };

    it('an empty database exposes no operations series (nothing ran, no market)', async () => {
      const text = await scrape();
      expect(text).toContain('# TYPE cardquant_pipeline_step_last_run_status gauge');
      expect(text).not.toMatch(/^cardquant_pipeline_step_last_run_status\{/m);
      expect(text).not.toMatch(/^cardquant_market_data_age_seconds\{/m);
    });

    it('reports the last run of each step and importer, the last success of each job, and freshness per market', async () => {
      await seedMarket(h.runtime.ingest);
      const db = h.runtime.database.db;
      // Written as another process would: the scrape reads them from the database.
      const run = (
        id: string,
        step: string,
        status: 'succeeded' | 'failed' | 'running',
        start: string,
        end: string | null,
        ms: number | null,
      ) => ({
        id,
        step,
        trigger: 'schedule',
        status,
        range_from: null,
        range_to: null,
        started_at: start,
        finished_at: end,
        duration_ms: ms,
        counts: null,
        error: status === 'failed' ? 'upstream answered 503' : null,
        holder: 'other-host:42/replica-2',
        heartbeat_at: end,
      });
      await db
        .insertInto('pipeline_runs')
        .values([
          run('r1', 'ingest-prices', 'succeeded', '2026-11-24T03:00:00.000Z', '2026-11-24T03:02:30.000Z', 150_000),
          run('r2', 'ingest-prices', 'failed', '2026-11-25T03:00:00.000Z', '2026-11-25T03:00:12.500Z', 12_500),
          run('r3', 'ingest-prices', 'running', '2026-11-25T11:59:00.000Z', null, null),
          run('r4', 'read-models', 'succeeded', '2026-11-25T03:05:00.000Z', '2026-11-25T03:06:00.000Z', 60_000),
        ])
        .execute();
      await db
        .insertInto('scheduled_runs')
        .values([
          {
            job: 'pipeline.daily',
            slot: '2026-11-24T03:00',
            instance: 'a',
            started_at: '2026-11-24T03:00:00.000Z',
            finished_at: '2026-11-24T03:10:00.000Z',
            status: 'succeeded',
            error: null,
          },
          {
            job: 'pipeline.daily',
            slot: '2026-11-25T03:00',
            instance: 'b',
            started_at: '2026-11-25T03:00:00.000Z',
            finished_at: '2026-11-25T03:01:00.000Z',
            status: 'failed',
            error: 'step failed',
          },
        ])
        .execute();

      const text = await scrape();
      // The last finished run of ingest-prices failed (the running one is not finished yet).
      expect(series(text, 'cardquant_pipeline_step_last_run_status', { step: 'ingest-prices', status: 'failed' })).toBe(
        1,
      );
      expect(
        series(text, 'cardquant_pipeline_step_last_run_status', { step: 'ingest-prices', status: 'succeeded' }),
      ).toBe(0);
      expect(series(text, 'cardquant_pipeline_step_last_run_duration_seconds', { step: 'ingest-prices' })).toBe(12.5);
      expect(
        series(text, 'cardquant_pipeline_step_last_run_finished_timestamp_seconds', { step: 'ingest-prices' }),
      ).toBe(Date.parse('2026-11-25T03:00:12.500Z') / 1000);
      expect(series(text, 'cardquant_pipeline_step_last_success_timestamp_seconds', { step: 'ingest-prices' })).toBe(
        Date.parse('2026-11-24T03:02:30.000Z') / 1000,
      );
      expect(
        series(text, 'cardquant_pipeline_step_last_run_status', { step: 'read-models', status: 'succeeded' }),
      ).toBe(1);
      expect(series(text, 'cardquant_scheduled_job_last_success_timestamp_seconds', { job: 'pipeline.daily' })).toBe(
        Date.parse('2026-11-24T03:10:00.000Z') / 1000,
      );

      // The fixture's importer runs, with the accounting of the latest run of each importer.
      const runs = await db
        .selectFrom('ingestion_runs')
        .select(['importer', 'started_at', 'rows_read', 'accepted', 'updated', 'unchanged', 'rejected'])
        .where('status', '<>', 'running')
        .orderBy('started_at', 'desc')
        .execute();
      expect(runs.length).toBeGreaterThan(0);
      const importers = [...new Set(runs.map((r) => r.importer))];
      for (const importer of importers) {
        const last = runs.find((r) => r.importer === importer)!;
        for (const [outcome, value] of [
          ['read', last.rows_read],
          ['accepted', last.accepted],
          ['updated', last.updated],
          ['unchanged', last.unchanged],
          ['rejected', last.rejected],
        ] as const) {
          expect(
            series(text, 'cardquant_ingestion_last_run_rows', { importer, outcome }),
            `${importer} ${outcome}`,
          ).toBe(Number(value));
        }
        expect(series(text, 'cardquant_ingestion_last_run_finished_timestamp_seconds', { importer })).toBeGreaterThan(
          0,
        );
      }

      // The fixture's prices end on 2026-11-20; the clock says 2026-11-25T12:00Z: 5.5 days, stale after 3.
      expect(series(text, 'cardquant_market_data_age_seconds', { market: 'tcgplayer' })).toBe(5.5 * 86_400);
      expect(series(text, 'cardquant_market_data_stale', { market: 'tcgplayer' })).toBe(1);
      const meta = (await (await h.request('/v1/meta')).json()) as { markets: { market: string; stale: boolean }[] };
      expect(meta.markets.find((m) => m.market === 'tcgplayer')?.stale).toBe(true);

      // A later success replaces the failure at the next scrape.
      await db
        .insertInto('pipeline_runs')
        .values(run('r5', 'ingest-prices', 'succeeded', '2026-11-25T11:00:00.000Z', '2026-11-25T11:01:00.000Z', 60_000))
        .execute();
      const after = await scrape();
      expect(
        series(after, 'cardquant_pipeline_step_last_run_status', { step: 'ingest-prices', status: 'failed' }),
      ).toBe(0);
      expect(
        series(after, 'cardquant_pipeline_step_last_run_status', { step: 'ingest-prices', status: 'succeeded' }),
      ).toBe(1);
    });
  });
});
