// Frozen once released: change the schema with a new migration file, never by editing this one.
import { sql, type Kysely } from 'kysely';

/**
 * The pipeline step `derive` is now `read-models` (docs/GLOSSARY.md; `derive` stays a deprecated
 * alias of it): its past runs are listed under the new name, and its lock row moves with it, held
 * or not — 0.3.0 is upgraded with every process stopped (CHANGELOG, RUNBOOK), so no holder is alive.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.updateTable('pipeline_runs').set({ step: 'read-models' }).where('step', '=', 'derive').execute();
  await sql`update step_locks set step = 'read-models'
    where step = 'derive' and not exists (select 1 from step_locks l where l.step = 'read-models')`.execute(db);
}
