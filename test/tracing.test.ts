/**
 * Tracing end to end: an OTLP/HTTP receiver (node:http) gets the server span of a request that
 * arrived with a W3C `traceparent`, and the span of the pipeline step that request started in a
 * real child process, which continues the trace through `TRACEPARENT`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildProcessLauncher, type LaunchedProcess, type PipelineRequest } from '../src/platform/launcher.ts';
import { createLogger } from '../src/platform/log.ts';
import { flushTracing, stopTracing } from '../src/platform/tracing.ts';
import { ADMIN_TOKEN, startHarness, type Harness } from './harness.ts';
import { cliEnv } from './process.ts';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}
type OtlpTraces = { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };

const spans: OtlpSpan[] = [];
const paths: string[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    paths.push(req.url ?? '');
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpTraces;
    for (const r of body.resourceSpans) for (const s of r.scopeSpans) spans.push(...s.spans);
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
});

const directory = mkdtempSync(join(tmpdir(), 'tracing-'));
let harness: Harness;
const children: Promise<number>[] = [];

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const databaseUrl = `sqlite:${join(directory, 'cardquant.db')}`;
  const childLog = createLogger('silent');
  const real = new ChildProcessLauncher(childLog, {
    out: { write: () => true },
    // A hermetic environment: no cardquant setting of the machine running the suite leaks in.
    env: cliEnv({ DATABASE_URL: databaseUrl, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, LOG_LEVEL: 'warn' }),
  });
  const launcher = {
    async launch(request: PipelineRequest): Promise<LaunchedProcess> {
      const launched = await real.launch(request);
      children.push(launched.done);
      return launched;
    },
  };
  harness = await startHarness(databaseUrl, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, { launcher });
});

afterAll(async () => {
  await harness?.close();
  await stopTracing();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  rmSync(directory, { recursive: true, force: true });
});

const attr = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

describe('tracing over OTLP', () => {
  it('exports the request span under the caller’s trace and the child’s pipeline step span under the request span', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';
    const res = await harness.request('/v1/admin/pipeline/run', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'content-type': 'application/json',
        'idempotency-key': 'trace-run-1',
        traceparent: `00-${traceId}-${callerSpanId}-01`,
      },
      body: JSON.stringify({ steps: ['quality'] }),
    });
    expect(res.status).toBe(202);
    expect(children).toHaveLength(1);
    await children[0];
    await flushTracing();

    expect(new Set(paths)).toEqual(new Set(['/v1/traces']));
    const request = spans.find((s) => s.name === 'POST /v1/admin/pipeline/run');
    expect(request).toBeDefined();
    expect(request!.traceId).toBe(traceId);
    expect(request!.parentSpanId).toBe(callerSpanId);
    expect(attr(request!, 'http.route')).toBe('/v1/admin/pipeline/run');
    expect(attr(request!, 'http.response.status_code')).toBe(202);
    expect(attr(request!, 'cardquant.request_id')).toBe(res.headers.get('x-request-id'));

    const step = spans.find((s) => s.name === 'pipeline.step quality');
    expect(step).toBeDefined();
    expect(step!.traceId).toBe(traceId);
    expect(step!.parentSpanId).toBe(request!.spanId);
    expect(attr(step!, 'cardquant.pipeline.step')).toBe('quality');
    expect(attr(step!, 'cardquant.pipeline.status')).toMatch(/^(succeeded|failed|skipped)$/);
  });
});
