/** The `factor_weights` table: named weight sets per engine and engine version. */
import type { Kysely } from 'kysely';
import type { FactorWeightsTable, Tables } from '../../platform/db/schema.ts';

/** Inserts a weight set unless its version is stored already. */
export async function insertWeightsIfAbsent(db: Kysely<Tables>, row: FactorWeightsTable): Promise<void> {
  await db
    .insertInto('factor_weights')
    .values(row)
    .onConflict((oc) => oc.column('version').doNothing())
    .execute();
}

export async function insertWeights(db: Kysely<Tables>, row: FactorWeightsTable): Promise<void> {
  await db.insertInto('factor_weights').values(row).execute();
}

export function findWeights(db: Kysely<Tables>, version: string): Promise<FactorWeightsTable | undefined> {
  return db.selectFrom('factor_weights').selectAll().where('version', '=', version).executeTakeFirst();
}

/** The weight sets of one engine version, oldest first. */
export function weightsOfEngine(
  db: Kysely<Tables>,
  engine: string,
  engineVersion: string,
): Promise<FactorWeightsTable[]> {
  return db
    .selectFrom('factor_weights')
    .selectAll()
    .where('engine', '=', engine)
    .where('engine_version', '=', engineVersion)
    .orderBy('created_at')
    .orderBy('version')
    .execute();
}
