/**
 * Statements of `data-key reencrypt`: find values sealed with another key than the current one,
 * in key order, and replace one value only if it is still the one read (a concurrent writer wins).
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

/** A column that holds sealed values, and the key columns of its table. */
export interface SealedTarget {
  table: 'webhook_endpoints' | 'deliveries' | 'idempotency_keys';
  column: string;
  keys: readonly string[];
}

export interface SealedValue {
  ref: Record<string, string>;
  sealed: string;
}

// The table and column are chosen from a fixed list (reencrypt.ts), never from input.
const untyped = (db: Kysely<Tables>) => db as unknown as Kysely<Record<string, Record<string, string | null>>>;

/** Up to `limit` values not sealed with the current key (`currentPrefix`), skipping the first `offset`. */
export async function staleSealed(
  db: Kysely<Tables>,
  target: SealedTarget,
  args: { currentPrefix: string; limit: number; offset: number },
): Promise<SealedValue[]> {
  let q = untyped(db)
    .selectFrom(target.table)
    .select([...target.keys, target.column])
    .where(target.column, 'is not', null)
    .where(target.column, 'not like', `${args.currentPrefix}%`);
  for (const key of target.keys) q = q.orderBy(key);
  const rows = await q.limit(args.limit).offset(args.offset).execute();
  return rows.map((r) => ({
    ref: Object.fromEntries(target.keys.map((k) => [k, String(r[k])])),
    sealed: String(r[target.column]),
  }));
}

/** How many values the column holds. */
export async function countSealed(db: Kysely<Tables>, target: SealedTarget): Promise<number> {
  const row = await untyped(db)
    .selectFrom(target.table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(target.column, 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Replaces `old` with `next`; false when the value changed since it was read. */
export async function replaceSealed(
  db: Kysely<Tables>,
  target: SealedTarget,
  value: SealedValue,
  next: string,
): Promise<boolean> {
  let q = untyped(db)
    .updateTable(target.table)
    .set({ [target.column]: next })
    .where(target.column, '=', value.sealed);
  for (const key of target.keys) q = q.where(key, '=', value.ref[key]!);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
