/** What the image-host list reads: the distinct image documents of cards and sets. */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';

export async function distinctImageDocuments(db: Kysely<Tables>): Promise<string[]> {
  const rows = await db
    .selectFrom('cards')
    .select('images')
    .distinct()
    .where('images', 'is not', null)
    .union(db.selectFrom('sets').select('images').distinct().where('images', 'is not', null))
    .execute();
  return rows.map((r) => r.images).filter((v): v is string => typeof v === 'string');
}
