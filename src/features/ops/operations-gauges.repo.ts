/** What the scrape-time operations gauges read: the last finished run per pipeline step, importer and scheduled job. */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

/** Per step: its latest finished run (a running one is not finished; it shows once it ends). */
export async function lastPipelineRuns(db: Kysely<Tables>) {
  const latest = db
    .selectFrom('pipeline_runs')
    .select((eb) => ['step', eb.fn.max('started_at').as('started_at')])
    .where('status', '<>', 'running')
    .groupBy('step')
    .as('latest');
  return db
    .selectFrom('pipeline_runs as r')
    .innerJoin(latest, (join) =>
      join.onRef('latest.step', '=', 'r.step').onRef('latest.started_at', '=', 'r.started_at'),
    )
    .select(['r.step', 'r.status', 'r.started_at', 'r.finished_at', 'r.duration_ms'])
    .where('r.status', '<>', 'running')
    .orderBy('r.step')
    .execute();
}

/** Per step: when its latest successful run finished. */
export function lastPipelineSuccesses(db: Kysely<Tables>) {
  return db
    .selectFrom('pipeline_runs')
    .select((eb) => ['step', eb.fn.max('finished_at').as('finished_at')])
    .where('status', '=', 'succeeded')
    .groupBy('step')
    .execute();
}

/** Per importer: its latest finished run with its row accounting. */
export async function lastIngestionRuns(db: Kysely<Tables>) {
  const latest = db
    .selectFrom('ingestion_runs')
    .select((eb) => ['importer', eb.fn.max('started_at').as('started_at')])
    .where('status', '<>', 'running')
    .groupBy('importer')
    .as('latest');
  return db
    .selectFrom('ingestion_runs as r')
    .innerJoin(latest, (join) =>
      join.onRef('latest.importer', '=', 'r.importer').onRef('latest.started_at', '=', 'r.started_at'),
    )
    .select([
      'r.importer',
      'r.status',
      'r.finished_at',
      'r.rows_read',
      'r.accepted',
      'r.updated',
      'r.unchanged',
      'r.rejected',
    ])
    .where('r.status', '<>', 'running')
    .orderBy('r.importer')
    .execute();
}

/** Per scheduled job: when its latest successful slot finished. */
export function lastScheduledSuccesses(db: Kysely<Tables>) {
  return db
    .selectFrom('scheduled_runs')
    .select((eb) => ['job', eb.fn.max('finished_at').as('finished_at')])
    .where('status', '=', 'succeeded')
    .groupBy('job')
    .execute();
}
