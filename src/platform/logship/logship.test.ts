import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../log.ts';
import { createLogShipping, logShippingFromConfig } from './log-shipping.ts';
import { LogShipper, type Timers } from './shipper.ts';
import { s3Sink } from './s3-sink.ts';
import { lokiSink } from './sinks.ts';

/** Timers that fire only when the test advances them. */
function manualTimers(): Timers & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let next = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    set(fn, ms) {
      next += 1;
      due.set(next, { at: now + ms, fn });
      return next;
    },
    clear(handle) {
      due.delete(handle as number);
    },
    advance(ms) {
      now += ms;
      for (;;) {
        const ready = [...due.entries()].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at)[0];
        if (!ready) return;
        due.delete(ready[0]);
        ready[1].fn();
      }
    },
    pending: () => due.size,
  };
}

interface Receiver {
  url: string;
  port: number;
  bodies: unknown[];
  headers: IncomingMessage['headers'][];
  /** Status the receiver answers with (503 simulates an outage). */
  status: number;
  close(): Promise<void>;
}

async function receiver(port = 0): Promise<Receiver> {
  const state = { bodies: [] as unknown[], headers: [] as IncomingMessage['headers'][], status: 204 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.status < 300) {
        state.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        state.headers.push(req.headers);
      }
      res.statusCode = state.status;
      res.end(state.status < 300 ? '' : 'unavailable');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${actual}/push`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

function captured() {
  const lines: string[] = [];
  return { lines, write: (line: string) => lines.push(line) };
}

const limits = {
  batchLines: 1000,
  batchBytes: 64 * 1024,
  flushMs: 5000,
  bufferBytes: 256 * 1024,
  backoffInitialMs: 1000,
  backoffMaxMs: 60_000,
};

type LokiPush = { streams: { stream: Record<string, string>; values: [string, string][] }[] };
type OtlpLogs = {
  resourceLogs: {
    resource: { attributes: { key: string; value: Record<string, string> }[] };
    scopeLogs: {
      scope: { name: string };
      logRecords: {
        timeUnixNano: string;
        severityNumber: number;
        severityText: string;
        body: { stringValue: string };
        attributes: { key: string; value: { stringValue: string } }[];
      }[];
    }[];
  }[];
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('log shipping settings', () => {
  it('are off by default and refuse a URL without its format or a buffer smaller than two batches', async () => {
    expect(await logShippingFromConfig(loadConfig({}), { role: 'serve' })).toBeNull();
    expect(() => loadConfig({ LOG_SHIP_HTTP_URL: 'http://loki:3100/loki/api/v1/push' })).toThrow(
      /LOG_SHIP_HTTP_FORMAT: set both/,
    );
    expect(() => loadConfig({ LOG_SHIP_BATCH_BYTES: '65536', LOG_SHIP_BUFFER_BYTES: '100000' })).toThrow(
      /LOG_SHIP_BUFFER_BYTES: must hold at least two batches/,
    );
    expect(() =>
      loadConfig({
        LOG_SHIP_HTTP_URL: 'https://user:pass@logs.example/loki/api/v1/push',
        LOG_SHIP_HTTP_FORMAT: 'loki',
      }),
    ).toThrow(/LOG_SHIP_HTTP_URL: no credentials in the URL/);
  });
});

describe('log shipping to Loki and OTLP', () => {
  it('ships the same redacted lines as stdout to Loki, with bounded labels and the auth header', async () => {
    const loki = await receiver();
    cleanups.push(loki.close);
    const timers = manualTimers();
    const stdout = captured();
    const config = loadConfig({
      LOG_SHIP_HTTP_URL: loki.url,
      LOG_SHIP_HTTP_FORMAT: 'loki',
      LOG_SHIP_HTTP_AUTHORIZATION: 'Bearer loki-tenant-token',
    });
    const shipping = (await logShippingFromConfig(config, { role: 'serve', stdout, timers }))!;
    const log = createLogger('info', shipping.destination);
    log.info({ password: 'hunter2-password', headers: { authorization: 'Bearer sk-live-123' } }, 'signed in');
    log.warn({ route: '/v1/cards' }, 'slow');
    shipping
      .childOut('pipeline')
      .write(
        `${JSON.stringify({ level: 'error', time: '2026-01-02T03:04:05.678Z', msg: 'step failed', token: '[redacted]' })}\n`,
      );

    timers.advance(config.LOG_SHIP_FLUSH_MS);
    await shipping.shippers[0]!.settled();

    expect(loki.bodies).toHaveLength(1);
    expect(loki.headers[0]!.authorization).toBe('Bearer loki-tenant-token');
    const push = loki.bodies[0] as LokiPush;
    const shipped = push.streams.flatMap((s) => s.values.map((v) => v[1]));
    expect(shipped).toEqual(stdout.lines.map((l) => l.trimEnd()));
    expect(JSON.stringify(push)).not.toMatch(/hunter2|sk-live-123/);
    expect(push.streams.map((s) => s.stream)).toEqual([
      { service: 'cardquant', role: 'serve', level: 'info' },
      { service: 'cardquant', role: 'serve', level: 'warn' },
      { service: 'cardquant', role: 'pipeline', level: 'error' },
    ]);
    const [ts] = push.streams[2]!.values[0]!;
    expect(ts).toBe(`${Date.parse('2026-01-02T03:04:05.678Z')}000000`);
  });

  it('ships OTLP/HTTP logs as resourceLogs with severity, body and role', async () => {
    const otlp = await receiver();
    cleanups.push(otlp.close);
    const timers = manualTimers();
    const config = loadConfig({ LOG_SHIP_HTTP_URL: otlp.url, LOG_SHIP_HTTP_FORMAT: 'otlp', LOG_SHIP_BATCH_LINES: '2' });
    const shipping = (await logShippingFromConfig(config, { role: 'worker', stdout: captured(), timers }))!;
    const log = createLogger('info', shipping.destination);
    log.info({ secret: 'whsec_abc' }, 'one');
    log.error('two'); // the batch is full at two lines: sent without waiting for the interval
    await shipping.shippers[0]!.settled();

    expect(otlp.bodies).toHaveLength(1);
    const body = otlp.bodies[0] as OtlpLogs;
    const [resourceLogs] = body.resourceLogs;
    expect(resourceLogs!.resource.attributes.find((a) => a.key === 'service.name')!.value).toEqual({
      stringValue: 'cardquant',
    });
    const records = resourceLogs!.scopeLogs[0]!.logRecords;
    expect(records.map((r) => [r.severityText, r.severityNumber])).toEqual([
      ['info', 9],
      ['error', 17],
    ]);
    expect(records.map((r) => (JSON.parse(r.body.stringValue) as { msg: string }).msg)).toEqual(['one', 'two']);
    expect(records[0]!.attributes).toEqual([{ key: 'process.role', value: { stringValue: 'worker' } }]);
    expect(records[0]!.timeUnixNano).toMatch(/^\d{19}$/);
    expect(JSON.stringify(body)).not.toContain('whsec_abc');
  });
});

describe('a receiver outage', () => {
  it('keeps every line until the receiver recovers (503, then refused connections), then delivers each at least once, in order', async () => {
    const loki = await receiver();
    let current = loki;
    cleanups.push(() => current.close());
    loki.status = 503;
    const timers = manualTimers();
    const stdout = captured();
    const shipper = new LogShipper(
      lokiSink({ url: loki.url, timeoutMs: 10_000, service: 'cardquant' }),
      { ...limits, batchLines: 10 },
      timers,
    );
    const shipping = createLogShipping([shipper], 'serve', stdout);
    const log = createLogger('info', shipping.destination);

    for (let i = 0; i < 25; i++) log.info({ i }, 'line');
    await shipper.settled();
    expect(shipper.counts.failedAttempts).toBe(1);
    // The process goes on: logging is not blocked while the receiver is down.
    for (let i = 25; i < 30; i++) log.info({ i }, 'line');

    // The receiver goes away altogether: connections are refused.
    await loki.close();
    for (let attempt = 0; attempt < 3; attempt++) {
      timers.advance(limits.backoffMaxMs);
      await shipper.settled();
    }
    expect(shipper.counts.failedAttempts).toBe(4);

    current = await receiver(loki.port);
    for (let round = 0; round < 10 && shipper.bufferedBytes > 0; round++) {
      timers.advance(limits.backoffMaxMs);
      await shipper.settled();
    }
    const received = (current.bodies as LokiPush[]).flatMap((p) =>
      p.streams.flatMap((s) => s.values.map((v) => (JSON.parse(v[1]) as { i: number }).i)),
    );
    expect(received).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(shipper.counts).toEqual({ shippedLines: 30, failedAttempts: 4, dropped: { buffer_full: 0, rejected: 0 } });
    expect(shipper.bufferedBytes).toBe(0);
    expect(timers.pending()).toBe(0);
  });

  it('stays within LOG_SHIP_BUFFER_BYTES when the outage outlasts it: the oldest batches are dropped and counted', async () => {
    const loki = await receiver();
    cleanups.push(loki.close);
    loki.status = 503;
    const timers = manualTimers();
    const bufferBytes = 8 * 1024;
    const shipper = new LogShipper(
      lokiSink({ url: loki.url, timeoutMs: 10_000, service: 'cardquant' }),
      { ...limits, batchLines: 20, batchBytes: 4096, bufferBytes },
      timers,
    );
    const shipping = createLogShipping([shipper], 'serve', captured());
    const log = createLogger('info', shipping.destination);
    let peak = 0;
    for (let i = 0; i < 2000; i++) {
      log.info({ i }, 'a line written during a long outage');
      peak = Math.max(peak, shipper.bufferedBytes);
      if (i % 100 === 0) {
        timers.advance(limits.backoffMaxMs);
        await shipper.settled();
      }
    }
    expect(peak).toBeLessThanOrEqual(bufferBytes);
    expect(shipper.counts.dropped.buffer_full).toBeGreaterThan(1500);

    loki.status = 204;
    for (let round = 0; round < 20 && shipper.bufferedBytes > 0; round++) {
      timers.advance(limits.backoffMaxMs);
      await shipper.settled();
    }
    const received = (loki.bodies as LokiPush[]).flatMap((p) =>
      p.streams.flatMap((s) => s.values.map((v) => (JSON.parse(v[1]) as { i: number }).i)),
    );
    // What survives is what was written last, plus the batch that was in flight when the room ran out.
    expect(received.length + shipper.counts.dropped.buffer_full).toBe(2000);
    expect(received.at(-1)).toBe(1999);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(new Set(received).size).toBe(received.length);

    const registry = new Registry();
    shipping.registerMetrics(registry);
    const text = await registry.metrics();
    expect(text).toContain(
      `cardquant_log_ship_dropped_total{destination="loki",reason="buffer_full"} ${shipper.counts.dropped.buffer_full}`,
    );
    expect(text).toContain(`cardquant_log_ship_shipped_lines_total{destination="loki"} ${received.length}`);
    expect(text).toContain('cardquant_log_ship_buffer_bytes{destination="loki"} 0');
  });

  it('notes the failure and the recovery on stdout only, never shipping its own notices', async () => {
    const loki = await receiver();
    cleanups.push(loki.close);
    loki.status = 503;
    const timers = manualTimers();
    const stdout = captured();
    const config = loadConfig({ LOG_SHIP_HTTP_URL: loki.url, LOG_SHIP_HTTP_FORMAT: 'loki' });
    const shipping = (await logShippingFromConfig(config, { role: 'serve', stdout, timers }))!;
    const [shipper] = shipping.shippers;
    createLogger('info', shipping.destination).info('hello');
    shipper!.flush();
    await shipper!.settled();
    for (let i = 0; i < 5; i++) {
      timers.advance(config.LOG_SHIP_BACKOFF_MAX_MS);
      await shipper!.settled();
    }
    loki.status = 204;
    timers.advance(config.LOG_SHIP_BACKOFF_MAX_MS);
    await shipper!.settled();

    const messages = stdout.lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toEqual(['hello', 'log shipping failing; retrying with backoff', 'log shipping recovered']);
    const shipped = (loki.bodies as LokiPush[]).flatMap((p) => p.streams.flatMap((s) => s.values.map((v) => v[1])));
    expect(shipped.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['hello']);
    expect(timers.pending()).toBe(0);
  });

  it('gives up a batch the receiver refuses with a 4xx, counted as rejected, and goes on', async () => {
    const loki = await receiver();
    cleanups.push(loki.close);
    loki.status = 400;
    const timers = manualTimers();
    const shipper = new LogShipper(
      lokiSink({ url: loki.url, timeoutMs: 10_000, service: 'cardquant' }),
      limits,
      timers,
    );
    shipper.offer({ text: '{"level":"info","msg":"refused"}', role: 'serve' });
    shipper.flush();
    await shipper.settled();
    loki.status = 204;
    shipper.offer({ text: '{"level":"info","msg":"accepted"}', role: 'serve' });
    shipper.flush();
    await shipper.settled();
    expect(shipper.counts).toEqual({ shippedLines: 1, failedAttempts: 1, dropped: { buffer_full: 0, rejected: 1 } });
  });

  it('on shutdown tries once more at once and returns within the grace when the receiver stays down', async () => {
    const loki = await receiver();
    cleanups.push(loki.close);
    loki.status = 503;
    const timers = manualTimers();
    const shipper = new LogShipper(
      lokiSink({ url: loki.url, timeoutMs: 10_000, service: 'cardquant' }),
      limits,
      timers,
    );
    shipper.offer({ text: '{"level":"info","msg":"last words"}', role: 'serve' });
    shipper.flush();
    await shipper.settled(); // failed once; a retry waits behind a backoff
    const closing = shipper.close(10_000);
    await shipper.settled(); // the immediate attempt on close
    expect(shipper.counts.failedAttempts).toBe(2);
    timers.advance(10_000);
    expect(await closing).toEqual({ unsentLines: 1 });
  });

  it('on shutdown flushes the open batch and resolves once it is acknowledged', async () => {
    const loki = await receiver();
    cleanups.push(loki.close);
    const timers = manualTimers();
    const shipper = new LogShipper(
      lokiSink({ url: loki.url, timeoutMs: 10_000, service: 'cardquant' }),
      limits,
      timers,
    );
    shipper.offer({ text: '{"level":"info","msg":"bye"}', role: 'serve' });
    expect(await shipper.close(10_000)).toEqual({ unsentLines: 0 });
    expect(loki.bodies).toHaveLength(1);
    expect(timers.pending()).toBe(0);
  });
});

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

describe('log shipping to an S3-compatible bucket', () => {
  it('writes gzip NDJSON objects keyed by time, host and pid: every line once, in order per process', async () => {
    const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
    const directory = mkdtempSync(join(tmpdir(), 'logship-s3-'));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: 'logs' }],
    });
    const { port } = await server.run();
    cleanups.push(() => server.close());
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const timers = manualTimers();
    let nowMs = Date.parse('2026-03-04T05:06:07.089Z');
    const config = loadConfig({
      LOG_SHIP_S3_BUCKET: 'logs',
      LOG_SHIP_S3_PREFIX: 'cardquant/',
      LOG_SHIP_S3_ENDPOINT: `http://127.0.0.1:${port}`,
      LOG_SHIP_BATCH_LINES: '7',
    });
    const shipping = (await logShippingFromConfig(config, {
      role: 'serve',
      stdout: captured(),
      timers,
      now: () => nowMs,
      s3Credentials: credentials,
    }))!;
    const [shipper] = shipping.shippers;
    const log = createLogger('info', shipping.destination);
    const child = shipping.childOut('pipeline');
    for (let i = 0; i < 30; i++) {
      log.info({ i, apiKey: 'cq_live_secret' }, 'parent');
      if (i % 3 === 0) child.write(`${JSON.stringify({ level: 'info', i, msg: 'child' })}\n`);
      nowMs += 1000;
      await shipper!.settled();
    }
    expect(await shipping.close(10_000)).toEqual({ s3: 0 });

    const client = s3Sink({
      bucket: 'logs',
      prefix: '',
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials,
    }).client;
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'logs', Prefix: 'cardquant/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!).sort();
    expect(keys).toHaveLength(Math.ceil(40 / 7));
    expect(keys[0]).toMatch(
      /^cardquant\/2026\/03\/04\/05\/20260304T050611089Z-[A-Za-z0-9._-]+-\d+-000001\.ndjson\.gz$/,
    );
    const lines: { msg: string; i: number }[] = [];
    for (const key of keys) {
      const object = await client.send(new GetObjectCommand({ Bucket: 'logs', Key: key }));
      const text = gunzipSync(Buffer.from(await object.Body!.transformToByteArray())).toString('utf8');
      expect(text.endsWith('\n')).toBe(true);
      expect(text).not.toContain('cq_live_secret');
      lines.push(
        ...text
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as { msg: string; i: number }),
      );
    }
    client.destroy();
    expect(lines.filter((l) => l.msg === 'parent').map((l) => l.i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(lines.filter((l) => l.msg === 'child').map((l) => l.i)).toEqual(Array.from({ length: 10 }, (_, i) => i * 3));
    expect(lines).toHaveLength(40);
  });
});
