/**
 * problem() records its code for the request's metrics; countProblems counts it per registered
 * code and status, and folds a code missing from the registry (a bug, logged) into `unregistered`.
 */
import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../error-codes.ts';
import { AppError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { createMetrics } from '../metrics.ts';
import type { AppEnv, Platform } from './context.ts';
import { countProblems, problem, problemCodeLabel } from './problem.ts';

function appWithMetrics() {
  const metrics = createMetrics({ processMetrics: false });
  const lines: Record<string, unknown>[] = [];
  const log = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('platform', { log } as Platform);
    await next();
  });
  app.use('*', countProblems(metrics));
  app.get('/limited', () => {
    throw new AppError(429, 'rate_limited', 'Too many requests.', { headers: { 'Retry-After': '3' } });
  });
  // A cast past the types, as a bug would: the answer is still a problem, but counted as unregistered.
  app.get('/teapot', (c) => problem(c, { status: 418, code: 'teapot' as ErrorCode, detail: 'Short and stout.' }));
  app.get('/wrong-status', (c) => problem(c, { status: 400, code: 'rate_limited', detail: 'Not a 429.' }));
  app.get('/fine', (c) => c.json({ ok: true }));
  app.onError((err, c) =>
    err instanceof AppError
      ? problem(c, { status: err.status, code: err.code, detail: err.message, headers: err.extra.headers })
      : c.text('unexpected', 500),
  );
  const count = async (code: string, status: string) =>
    (await metrics.httpProblems.get()).values.find((v) => v.labels.code === code && v.labels.status === status)?.value;
  return { app, lines, count };
}

describe('problem answers and their count', () => {
  it('counts a thrown AppError under its code and status, starting from a zero series', async () => {
    const { app, count } = appWithMetrics();
    expect(await count('rate_limited', '429')).toBe(0);
    expect(await count('route_not_found', '404')).toBe(0);
    const res = await app.request('/limited');
    expect(res.status).toBe(429);
    expect(((await res.json()) as { code: string }).code).toBe('rate_limited');
    await app.request('/limited');
    await app.request('/fine');
    expect(await count('rate_limited', '429')).toBe(2);
  });

  it('logs a code missing from the registry and counts it as unregistered', async () => {
    const { app, lines, count } = appWithMetrics();
    const res = await app.request('/teapot');
    expect(res.status).toBe(418);
    expect(((await res.json()) as { code: string }).code).toBe('teapot');
    expect(await count('unregistered', '418')).toBe(1);
    expect(await count('teapot', '418')).toBeUndefined();
    expect(lines).toEqual([expect.objectContaining({ level: 'error', code: 'teapot', status: 418, registered: null })]);
  });

  it('treats a registered code answered with another status as unregistered', async () => {
    const { app, lines, count } = appWithMetrics();
    await app.request('/wrong-status');
    expect(await count('unregistered', '400')).toBe(1);
    expect(await count('rate_limited', '400')).toBeUndefined();
    expect(lines[0]).toMatchObject({ code: 'rate_limited', status: 400, registered: 429 });
  });

  it('labels by the registry only', () => {
    expect(problemCodeLabel('validation_failed', 422)).toBe('validation_failed');
    expect(problemCodeLabel('validation_failed', 400)).toBe('unregistered');
    expect(problemCodeLabel('/v1/cards/123', 404)).toBe('unregistered');
  });
});
