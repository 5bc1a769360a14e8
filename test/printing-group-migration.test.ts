/**
 * Migration 20261204_01 (the TCGplayer group and product line of printings) on a database made
 * with the schema before it: printings and watchlist rows made then keep their ids and still
 * resolve; the next price import fills the group of an existing printing without changing its id,
 * and a reprint product created afterwards gets an id of its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IngestionRuns } from '../src/features/ingest/ingestion-run.ts';
import type { IngestContext } from '../src/features/ingest/context.ts';
import { importTcgcsvFiles } from '../src/features/ingest/sources/tcgcsv-files.ts';
import { listItems } from '../src/features/portfolios/watchlist.repo.ts';
import { isoInstant, manualClock } from '../src/platform/clock.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { listMigrations, migrate } from '../src/platform/db/migrator.ts';
import { idFactory } from '../src/platform/ids.ts';
import { createLogger } from '../src/platform/log.ts';
import { dialects, label } from './dialects.ts';
import {
  JUMBO_GROUP,
  JUMBO_ONLY_PRODUCT,
  JUMBO_PRODUCT,
  OWN_PRODUCT,
  REPRINT_CROSSWALK,
  REPRINT_PRICES,
  SET_GROUP,
  seedReprintCatalog,
} from './reprint-fixtures.ts';
import { writePriceTree } from './tcgcsv-fixtures.ts';

const MIGRATION = '20261204_01_add_printing_product_line';
const NOW = '2025-10-21T02:00:00.000Z';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cardquant-printing-migration-'));
  writeFileSync(join(tmp, 'crosswalk.csv'), REPRINT_CROSSWALK);
  writePriceTree(join(tmp, 'prices'), {
    '2025-10-20': { [SET_GROUP]: REPRINT_PRICES[SET_GROUP]!, [JUMBO_GROUP]: REPRINT_PRICES[JUMBO_GROUP]! },
  });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(dialects)('printing group migration on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url: string;
    let database: Database;
    const clock = manualClock(NOW);
    const now = () => isoInstant(clock.now());
    beforeEach(async () => {
      url = await d.create();
      database = openDatabase(url);
    });
    afterEach(async () => {
      await database.close();
      await d.drop(url);
    });

    it('keeps printings and watchlist rows made before it valid, fills groups later without changing ids', async () => {
      const before = listMigrations().filter((f) => f.name < MIGRATION);
      expect(listMigrations().map((f) => f.name)).toContain(MIGRATION);
      await migrate(database, now, before);
      const ctx: IngestContext = {
        database,
        runs: new IngestionRuns(database.db, clock, idFactory(clock)),
        clock,
        log: createLogger('silent'),
      };
      const db = database.db as any;
      // Today's catalogue writer names a set's era `era` (migration 20261204_31 renamed `series`):
      // the column carries that name only while it writes.
      await db.schema.alterTable('sets').renameColumn('series', 'era').execute();
      await seedReprintCatalog(ctx, NOW);
      await db.schema.alterTable('sets').renameColumn('era', 'series').execute();
      // Rows as the code before the migration wrote them: no group column exists yet.
      await db
        .insertInto('printings')
        .values([
          {
            id: 'sv3-125.holofoil',
            card_id: 'sv3-125',
            finish: 'holofoil',
            language: 'en',
            tcgplayer_product_id: OWN_PRODUCT,
            tcgplayer_sub_type: 'Holofoil',
            cardmarket_product_id: null,
            created_at: NOW,
          },
          {
            id: 'sv3-1.normal',
            card_id: 'sv3-1',
            finish: 'normal',
            language: 'en',
            tcgplayer_product_id: null,
            tcgplayer_sub_type: null,
            cardmarket_product_id: null,
            created_at: NOW,
          },
        ])
        .execute();
      const keys = Object.fromEntries(
        ((await db.selectFrom('printings').select(['key', 'id']).execute()) as { key: number; id: string }[]).map(
          (r) => [r.id, Number(r.key)],
        ),
      );
      await db
        .insertInto('principals')
        .values({ id: 'prn_p1', kind: 'portfolio', name: 'p1', created_at: NOW })
        .execute();
      await db
        .insertInto('portfolios')
        .values({ id: 'pf_1', owner_id: 'prn_p1', name: null, secret_hash: 'x', created_at: NOW })
        .execute();
      await db
        .insertInto('watchlist_items')
        .values([
          { portfolio_id: 'pf_1', printing_key: keys['sv3-125.holofoil'], added_at: NOW },
          { portfolio_id: 'pf_1', printing_key: keys['sv3-1.normal'], added_at: NOW },
        ])
        .execute();

      expect(await migrate(database, now)).toContain(MIGRATION);
      const items = await listItems(database.db, 'pf_1', { limit: 10 });
      expect(items.map((i) => [i.printing_key, i.printing_id, i.tcgplayer_group_id, i.product_line])).toEqual([
        [keys['sv3-1.normal'], 'sv3-1.normal', null, null],
        [keys['sv3-125.holofoil'], 'sv3-125.holofoil', null, null],
      ]);

      // The next import learns the groups: the existing printings keep key and id, the
      // product-less one adopts its product, and the Jumbo product gets an id naming its product.
      const run = await importTcgcsvFiles(ctx, { path: join(tmp, 'prices'), map: join(tmp, 'crosswalk.csv') });
      expect(run.status).toBe('succeeded');
      const after = await database.db
        .selectFrom('printings')
        .select(['key', 'id', 'tcgplayer_product_id', 'tcgplayer_group_id', 'product_line'])
        .orderBy('key')
        .execute();
      expect(
        after.map((p) => [Number(p.key), p.id, p.tcgplayer_product_id, p.tcgplayer_group_id, p.product_line]),
      ).toEqual([
        [keys['sv3-125.holofoil'], 'sv3-125.holofoil', OWN_PRODUCT, SET_GROUP, null],
        [keys['sv3-1.normal'], 'sv3-1.normal', 509755, SET_GROUP, null],
        [expect.any(Number), `sv3-125.holofoil.${JUMBO_PRODUCT}`, JUMBO_PRODUCT, JUMBO_GROUP, 'other'],
        [expect.any(Number), `sv3-200.holofoil.${JUMBO_ONLY_PRODUCT}`, JUMBO_ONLY_PRODUCT, JUMBO_GROUP, 'other'],
      ]);
      const again = await listItems(database.db, 'pf_1', { limit: 10 });
      expect(again.map((i) => [i.printing_key, i.printing_id, i.tcgplayer_group_id])).toEqual([
        [keys['sv3-1.normal'], 'sv3-1.normal', SET_GROUP],
        [keys['sv3-125.holofoil'], 'sv3-125.holofoil', SET_GROUP],
      ]);
    });
  });
});
