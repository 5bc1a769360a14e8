/** Statements on `delivery_circuits`: one row per destination, shared by every worker process. */
import type { Kysely, Selectable } from 'kysely';
import type { DeliveryCircuitsTable, Tables } from '../db/schema.ts';

export type CircuitRow = Selectable<DeliveryCircuitsTable>;

export async function findCircuit(db: Kysely<Tables>, destination: string): Promise<CircuitRow | undefined> {
  return db.selectFrom('delivery_circuits').selectAll().where('destination', '=', destination).executeTakeFirst();
}

/**
 * Takes the one trial attempt of a circuit whose open time ran out (half-open): moves
 * `opened_until` from the value read to `nextUntil`. Only one caller wins the compare-and-set.
 */
export async function takeTrial(
  db: Kysely<Tables>,
  args: { destination: string; readUntil: string; nextUntil: string; nowIso: string },
): Promise<boolean> {
  const res = await db
    .updateTable('delivery_circuits')
    .set({ opened_until: args.nextUntil, updated_at: args.nowIso })
    .where('destination', '=', args.destination)
    .where('opened_until', '=', args.readUntil)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Counts one failure; returns the consecutive failures now recorded. */
export async function countFailure(db: Kysely<Tables>, destination: string, nowIso: string): Promise<number> {
  const row = await db
    .insertInto('delivery_circuits')
    .values({ destination, failures: 1, opened_until: null, updated_at: nowIso })
    .onConflict((oc) =>
      oc.column('destination').doUpdateSet((eb) => ({
        failures: eb('delivery_circuits.failures', '+', 1),
        updated_at: nowIso,
      })),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

/** Opens (or keeps open) a destination's circuit until `untilIso`. */
export async function openCircuit(
  db: Kysely<Tables>,
  destination: string,
  untilIso: string,
  nowIso: string,
): Promise<void> {
  await db
    .insertInto('delivery_circuits')
    .values({ destination, failures: 0, opened_until: untilIso, updated_at: nowIso })
    .onConflict((oc) => oc.column('destination').doUpdateSet({ opened_until: untilIso, updated_at: nowIso }))
    .execute();
}

/** Closes a destination's circuit (a success). */
export async function closeCircuit(db: Kysely<Tables>, destination: string): Promise<void> {
  await db.deleteFrom('delivery_circuits').where('destination', '=', destination).execute();
}
