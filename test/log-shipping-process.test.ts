/**
 * A real `cardquant serve` with log shipping to a Loki-speaking receiver: the interval is far
 * away, so what arrives was sent by the shutdown flush — every JSON line the process wrote to
 * stdout (the access log's included), the same text, under the process's role.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCliReady, stopAll } from './process.ts';

const ADMIN_TOKEN = 'a-bootstrap-admin-token-for-this-test-only';

type LokiPush = { streams: { stream: Record<string, string>; values: [string, string][] }[] };

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  await stopAll();
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('log shipping from a server process', () => {
  it('flushes every stdout line to the receiver on SIGTERM, within the grace', async () => {
    const pushes: LokiPush[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        pushes.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as LokiPush);
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    const dir = mkdtempSync(join(tmpdir(), 'cq-logship-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

    const server = await startCliReady(['serve'], {
      cwd: dir,
      env: {
        DATABASE_URL: `sqlite:${join(dir, 'cardquant.db')}`,
        PORT: '0',
        ADMIN_TOKEN,
        LOG_SHIP_HTTP_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/loki/api/v1/push`,
        LOG_SHIP_HTTP_FORMAT: 'loki',
        LOG_SHIP_FLUSH_MS: '3600000',
      },
    });
    const port = Number((server.jsonLines().find((l) => l.msg === 'listening') as { port: number }).port);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(pushes).toEqual([]);

    const exit = await server.stop('SIGTERM');
    expect(exit.code).toBe(0);
    const stdout = server.stdout.split('\n').filter((l) => l.startsWith('{'));
    const streams = pushes.flatMap((p) => p.streams);
    const shipped = streams.flatMap((s) => s.values.map((v) => v[1]));
    expect(new Set(shipped)).toEqual(new Set(stdout));
    expect(shipped).toHaveLength(stdout.length);
    expect(stdout.some((l) => l.includes('"route":"/healthz"'))).toBe(true);
    expect(stdout.at(-1)).toContain('"msg":"stopped"');
    expect(new Set(streams.map((s) => s.stream.role))).toEqual(new Set(['serve']));
    expect(JSON.stringify(pushes)).not.toContain(ADMIN_TOKEN);
  });
});
