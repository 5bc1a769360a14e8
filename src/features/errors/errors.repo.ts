import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

export interface ProblemCount {
  code: string;
  /** `4xx` or `5xx`: the roll-ups keep the status class, the registry the exact status. */
  status_class: string;
  requests: number;
}

/**
 * Problem answers per code and status class in the roll-up minutes starting from `fromIso` to
 * `toIso` (both inclusive), summed over routes, methods and processes.
 */
export async function problemCounts(db: Kysely<Tables>, fromIso: string, toIso: string): Promise<ProblemCount[]> {
  const rows = await db
    .selectFrom('request_rollups')
    .select((eb) => ['code', 'status_class', eb.fn.sum<number | string>('requests').as('requests')])
    .where('code', '<>', '')
    .where('minute', '>=', fromIso)
    .where('minute', '<=', toIso)
    .groupBy(['code', 'status_class'])
    .execute();
  // PostgreSQL's sum of integers is a bigint, which pg hands over as a string.
  return rows.map((r) => ({ ...r, requests: Number(r.requests) }));
}

/** Every request (problem or not) in the same minutes: the denominator of a code's share. */
export async function requestTotal(db: Kysely<Tables>, fromIso: string, toIso: string): Promise<number> {
  const row = await db
    .selectFrom('request_rollups')
    .select((eb) => eb.fn.sum<number | string | null>('requests').as('requests'))
    .where('minute', '>=', fromIso)
    .where('minute', '<=', toIso)
    .executeTakeFirst();
  return Number(row?.requests ?? 0);
}
