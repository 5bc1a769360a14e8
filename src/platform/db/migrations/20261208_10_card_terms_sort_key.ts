// Frozen once released: change the schema with a new migration file, never by editing this one.
import { sql, type Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * A broad prefix search (`GET /v1/cards?q=dr`, a thousand matching cards) sorted by name read
 * and sorted every matching card row to keep a page of them. Each search term now carries its
 * card's name sort key and kind, and one index holds term, sort key, card and kind: such a search
 * sorts index entries and reads only the cards of its page (docs/ARCHITECTURE.md, "Read path").
 * The `read-models` step writes both columns with the terms; existing terms get them here from
 * the card summary they were derived with.
 */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('card_terms').addColumn('k_name', 'text').execute();
  await db.schema.alterTable('card_terms').addColumn('kind', 'text').execute();
  await sql`update card_terms set
      k_name = (select s.k_name from card_summary s where s.card_id = card_terms.card_id),
      kind = (select s.kind from card_summary s where s.card_id = card_terms.card_id)`.execute(db);
  await db.schema
    .createIndex('card_terms_name_idx')
    .on('card_terms')
    .columns(['term', 'k_name', 'card_id', 'kind'])
    .execute();
}
