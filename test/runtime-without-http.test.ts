/**
 * CLI commands build their runtime without the HTTP app (`http: false`), so a long import does
 * not carry every route's modules and schemas in its heap. The server's runtime still has it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/platform/log.ts';
import { createRuntime, type Runtime } from '../src/runtime.ts';

describe('a runtime without the HTTP app', () => {
  const open: Runtime[] = [];
  afterEach(async () => {
    for (const r of open.splice(0)) await r.close();
  });
  const runtime = async (http?: boolean) => {
    const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' });
    const r = await createRuntime(config, {
      log: createLogger('silent'),
      processMetrics: false,
      ...(http === undefined ? {} : { http }),
    });
    open.push(r);
    return r;
  };

  it('has no app with http: false (and says so), while its ingest context works', async () => {
    const r = await runtime(false);
    expect(() => r.app).toThrow('this runtime was created without the HTTP app (http: false)');
    const run = await r.runs.start({ importer: 'csv', feed: 'history-csv', kind: 'prices' });
    expect(run.id).toMatch(/^run_/);
  });

  it('builds the app by default', async () => {
    const r = await runtime();
    expect((await r.app.request('/openapi.json')).status).toBe(200);
  });
});
