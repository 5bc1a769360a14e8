/** GET /v1/admin/ingestion/runs/{id} shows what a run dropped and which rows it rejected, on both dialects. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ADMIN_TOKEN, bearer, harnessDatabase } from '#test/harness.ts';
import { catalogWriter } from './context.ts';
import { importHistoryCsv } from './sources/history-csv.ts';

describe.each(dialects)('ingestion run detail on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let dir: string;
    const h = harnessDatabase(d);
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cardquant-runs-api-'));
      const now = h.runtime.ingest.runs.nowIso();
      await catalogWriter(h.runtime.ingest).upsertSets([{ id: 'base1', name: 'Base' }], now);
      await catalogWriter(h.runtime.ingest).upsertCards(
        [{ id: 'base1-4', setId: 'base1', number: '4', name: 'Charizard' }],
        now,
      );
    });
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('serves the dropped placeholder fields and the named rejected rows', async () => {
      const path = join(dir, 'prices.csv');
      writeFileSync(
        path,
        'card_id,finish,market,currency,date,market_price,high_price\nbase1-4,Holofoil,tcgplayer,USD,2025-10-01,350.25,9999\nbase1-4,Holofoil,tcgplayer,USD,2025-10-02,n/a,\n',
      );
      const run = await importHistoryCsv(h.runtime.ingest, { path });
      const res = await h.request(`/v1/admin/ingestion/runs/${run.id}`, { headers: bearer(ADMIN_TOKEN) });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        status: 'succeeded',
        rows_read: 2,
        accepted: 1,
        rejected: 1,
        dropped_placeholder_fields: 1,
        rejected_examples: [
          { at: 'line 3', reason: 'not_a_number', detail: 'market_price "n/a" is not a decimal number' },
        ],
      });
    });
  });
});
