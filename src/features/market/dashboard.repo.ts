/** The dashboard snapshot (one row, id 1) and the two aggregates only the dashboard reads. */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';
import { inTransaction } from '../../platform/db/transaction.ts';

export interface CatalogueCounts {
  sets: number;
  cards: number;
  priced_cards: number;
}

/** Sets, cards and priced cards over the set summary. */
export async function catalogueCounts(db: Kysely<Tables>): Promise<CatalogueCounts> {
  const row = await db
    .selectFrom('set_summary')
    .select((eb) => [
      eb.fn.countAll<number>().as('sets'),
      eb.fn.sum<number>('cards').as('cards'),
      eb.fn.sum<number>('priced_cards').as('priced_cards'),
    ])
    .executeTakeFirstOrThrow();
  return { sets: Number(row.sets), cards: Number(row.cards ?? 0), priced_cards: Number(row.priced_cards ?? 0) };
}

/** The stored card-summary items (JSON) of the `limit` highest signal scores. */
export async function topScoredItems(db: Kysely<Tables>, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('card_summary')
    .select('item')
    .where('score', 'is not', null)
    .orderBy('score', 'desc')
    .orderBy('card_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.item!);
}

/** Replaces the snapshot. */
export async function saveDashboard(db: Kysely<Tables>, body: unknown, builtAt: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom('dashboard_snapshot').execute();
    await trx
      .insertInto('dashboard_snapshot')
      .values({ id: 1, body: JSON.stringify(body), built_at: builtAt })
      .execute();
  });
}

export function readDashboard(db: Kysely<Tables>): Promise<{ body: string; built_at: string } | undefined> {
  return db.selectFrom('dashboard_snapshot').select(['body', 'built_at']).where('id', '=', 1).executeTakeFirst();
}
