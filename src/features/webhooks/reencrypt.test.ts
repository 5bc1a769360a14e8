/**
 * `cardquant data-key reencrypt` on both dialects: values sealed with the old key (webhook URLs,
 * secrets and previous secrets, e-mail link tokens, stored Idempotency-Key answers) are re-sealed
 * with the new key so that the old one can be dropped; a second run changes nothing; a value no
 * configured key opens is counted, left alone, and makes the command exit 1.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cli } from '#test/cli-capture.ts';
import { dialects, label } from '#test/dialects.ts';
import { ensureOwner, insertTestEndpoint } from '#test/webhook-fixtures.ts';
import { loadConfig } from '../../config.ts';
import { systemClock } from '../../platform/clock.ts';
import { openDatabase } from '../../platform/db/database.ts';
import { associatedData } from '../../platform/http/idempotency.ts';
import { createLogger } from '../../platform/log.ts';
import { insertDelivery } from '../../platform/outbox/outbox.repo.ts';
import { dataKey, SecretBox } from '../../platform/secret-box.ts';
import { openMigrated } from '../../runtime.ts';
import { sealedLinksContext } from '../subscribers/link-tokens.ts';
import { endpointContext, sealColumn } from './endpoint-secrets.ts';
import { reencrypt } from './reencrypt.ts';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const keyC = randomBytes(32);

describe.each(dialects)('data-key reencrypt on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url = '';
    let dir = '';
    beforeEach(async () => {
      // The command opens the database again: SQLite needs a file, not memory.
      dir = mkdtempSync(join(tmpdir(), 'cq-reencrypt-'));
      url = d.name === 'sqlite' ? `sqlite:${join(dir, 'db.sqlite')}` : await d.create();
    });
    afterEach(async () => {
      vi.unstubAllEnvs();
      if (d.name !== 'sqlite') await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });

    /** Seeds sealed values of every kind with `box`; answers what each holds. */
    async function seed(box: SecretBox, n: number) {
      const config = loadConfig({ DATABASE_URL: url });
      const database = await openMigrated(config, createLogger('silent'));
      const db = database.db;
      const now = systemClock.now();
      await ensureOwner(db, 'prn_a', now);
      const plain: { endpoints: string[]; links: string[]; answers: string[] } = {
        endpoints: [],
        links: [],
        answers: [],
      };
      for (let i = 0; i < n; i++) {
        const id = `whe_${String(i).padStart(26, '0')}`;
        const { secret } = await insertTestEndpoint(db, box, {
          id,
          ownerId: 'prn_a',
          kind: 'standard',
          url: `https://hooks.example.com/${i}`,
          nowMs: now,
        });
        await db
          .updateTable('webhook_endpoints')
          .set({ previous_secret_sealed: sealColumn(box, id, 'previous_secret_sealed', `whsec_prev${i}`) })
          .where('id', '=', id)
          .execute();
        plain.endpoints.push(secret!);
        const deliveryId = `dlv_${String(i).padStart(26, '0')}`;
        const links = JSON.stringify({ manage_token: `cqm_${i}` });
        await insertDelivery(db, deliveryId, new Date(now).toISOString(), {
          channel: 'email',
          eventType: 'subscriber.confirm',
          dedupeKey: deliveryId,
          payload: {},
          sealed: box.seal(links, sealedLinksContext(deliveryId)),
        });
        plain.links.push(links);
        const body = `{"secret":"s${i}"}`;
        await db
          .insertInto('idempotency_keys')
          .values({
            scope: 'principal:x',
            route: 'POST /v1/webhook-endpoints',
            key: `k${i}`,
            request_hash: 'h',
            status: 'done',
            response_status: 201,
            response_headers: '{}',
            response_body: box.seal(body, associatedData('principal:x', 'POST /v1/webhook-endpoints', `k${i}`)),
            created_at: new Date(now).toISOString(),
            expires_at: new Date(now + 3_600_000).toISOString(),
          })
          .execute();
        plain.answers.push(body);
      }
      await database.close();
      return plain;
    }

    it('re-seals everything with the new key, in batches, and is idempotent', async () => {
      const plain = await seed(new SecretBox(dataKey(keyA)), 7);
      const database = openDatabase(url);
      try {
        const box = new SecretBox(dataKey(keyB), [dataKey(keyA)]);
        const first = await reencrypt(database.db, box, { batchSize: 3 });
        expect(first).toEqual([
          { target: 'webhook_endpoints.url_sealed', resealed: 7, current: 0, unreadable: 0 },
          { target: 'webhook_endpoints.secret_sealed', resealed: 7, current: 0, unreadable: 0 },
          { target: 'webhook_endpoints.previous_secret_sealed', resealed: 7, current: 0, unreadable: 0 },
          { target: 'deliveries.sealed', resealed: 7, current: 0, unreadable: 0 },
          { target: 'idempotency_keys.response_body', resealed: 7, current: 0, unreadable: 0 },
        ]);
        // Only the new key is needed now.
        const onlyB = new SecretBox(dataKey(keyB));
        const endpoints = await database.db.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute();
        expect(endpoints.map((e) => onlyB.open(e.secret_sealed!, endpointContext(e.id, 'secret_sealed')))).toEqual(
          plain.endpoints,
        );
        expect(endpoints.map((e) => onlyB.open(e.url_sealed, endpointContext(e.id, 'url_sealed')))[6]).toBe(
          'https://hooks.example.com/6',
        );
        const deliveries = await database.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
        expect(deliveries.map((r) => onlyB.open(r.sealed!, sealedLinksContext(r.id)))).toEqual(plain.links);
        const answers = await database.db.selectFrom('idempotency_keys').selectAll().orderBy('key').execute();
        expect(
          answers.map((r) => onlyB.open(r.response_body!, associatedData(r.scope, r.route, r.key))).sort(),
        ).toEqual([...plain.answers].sort());

        const again = await reencrypt(database.db, box, { batchSize: 3 });
        expect(again.every((c) => c.resealed === 0 && c.current === 7 && c.unreadable === 0)).toBe(true);
      } finally {
        await database.close();
      }
    });

    it('runs as `cardquant data-key reencrypt`, and exits 1 while a value no configured key opens remains', async () => {
      await seed(new SecretBox(dataKey(keyA)), 2);
      const database = openDatabase(url);
      try {
        // One answer sealed with a key that is not configured.
        await database.db
          .updateTable('idempotency_keys')
          .set({
            response_body: new SecretBox(dataKey(keyC)).seal(
              'x',
              associatedData('principal:x', 'POST /v1/webhook-endpoints', 'k0'),
            ),
          })
          .where('key', '=', 'k0')
          .execute();
      } finally {
        await database.close();
      }
      vi.stubEnv('DATABASE_URL', url);
      vi.stubEnv('LOG_LEVEL', 'silent');
      vi.stubEnv('DATA_ENCRYPTION_KEY', keyB.toString('base64'));
      vi.stubEnv('DATA_ENCRYPTION_KEY_PREVIOUS', keyA.toString('base64'));
      const run = await cli('data-key', 'reencrypt', '--batch', '1');
      expect(run.code).toBe(1);
      expect(run.out).toContain(`current key ${dataKey(keyB).id}`);
      expect(run.out).toContain('webhook_endpoints.secret_sealed\tresealed 2\talready current 0\tunreadable 0');
      expect(run.out).toContain('idempotency_keys.response_body\tresealed 1\talready current 0\tunreadable 1');
      const again = await cli('data-key', 'reencrypt');
      expect(again.out).toContain('deliveries.sealed\tresealed 0\talready current 2\tunreadable 0');
      expect(again.code).toBe(1);
    });
  });
});
