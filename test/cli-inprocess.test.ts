/**
 * The import, mapping, rematch, pipeline and demo commands run in this process through `main()`,
 * against a SQLite file: the scenario an operator follows after a mapping fix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.ts';
import { prepareForRealData } from '../src/features/ingest/dataset.ts';
import { ingestContext } from './ingest-harness.ts';
import { CROSSWALK_CSV, dayPrices, seedCatalog, writePriceTree } from './tcgcsv-fixtures.ts';

let dir: string;
const saved = { ...process.env };

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'cardquant', ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cq-cli-'));
  for (const k of Object.keys(process.env)) if (/^(DATABASE_URL|PRICE_SOURCES|CATALOG_SOURCES|CARDQUANT_CONFIG|TCGCSV_MAP_FILE)$/.test(k)) delete process.env[k];
  process.env.DATABASE_URL = `sqlite:${join(dir, 'db.sqlite')}`;
  process.env.LOG_LEVEL = 'silent';
  writePriceTree(join(dir, 'prices'), { '2025-10-20': dayPrices(350) });
  writeFileSync(join(dir, 'crosswalk.csv'), CROSSWALK_CSV);
});

afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

describe('operating imports from the command line', () => {
  it('generates a demo dataset and refuses to mix real prices into it', async () => {
    const demo = await cli('demo', '--cards', '12', '--days', '15', '--end', '2025-10-20', '--seed', '5');
    expect(demo.code).toBe(0);
    expect(demo.out).toMatch(/read \d+, accepted \d+/);
    const refused = await cli('import', 'prices', 'tcgcsv-files', '--path', join(dir, 'prices'));
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('--replace-demo');
  });

  it('rejects unmatched products, then a mapping override and a rematch pick them up', async () => {
    const ctx = await ingestContext(process.env.DATABASE_URL!);
    await prepareForRealData(ctx.database.db, { replaceDemo: true, nowIso: '2025-10-21T00:00:00.000Z' });
    await seedCatalog(ctx);
    await ctx.close();

    const first = await cli('import', 'prices', 'tcgcsv-files', '--path', join(dir, 'prices'), '--map', join(dir, 'crosswalk.csv'));
    expect(first.code).toBe(0);
    // 777777 is unknown anywhere; 136400 is a sealed product that only TCGCSV's listings would reveal.
    expect(first.out).toMatch(/unmatched_product: 2/);
    const runId = /run (run_\w+) \(tcgcsv-files\)/.exec(first.out)?.[1];
    expect(runId).toBeDefined();

    const bad = await cli('mapping', 'add', '--product', '777777');
    expect(bad.code).toBe(1);
    expect((await cli('mapping', 'add', '--product', '777777', '--card', 'base1-55', '--note', 'checked by hand')).code).toBe(0);
    expect((await cli('mapping', 'list')).out).toContain('777777\tbase1-55');

    const rematch = await cli('import', 'rematch', runId!);
    expect(rematch.code).toBe(0);
    expect(rematch.out).toMatch(/accepted 1,/);
    expect(rematch.out).toMatch(/unmatched_product: 1\b/);
    expect((await cli('import', 'rematch', 'run_missing')).code).toBe(1);
  });

  it('runs pipeline steps and reports each', async () => {
    const steps = await cli('pipeline', 'steps');
    expect(steps.out).toMatch(/^derive/m);
    const run = await cli('pipeline', 'run', '--step', 'derive');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^derive\s+succeeded/m);
    const unknown = await cli('pipeline', 'run', '--step', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('Unknown pipeline step');
  });

  it('explains a missing --path and an unknown source', async () => {
    const noPath = await cli('import', 'prices', 'csv');
    expect(noPath.code).toBe(1);
    expect(noPath.err).toContain('--path');
    const unknown = await cli('import', 'catalog', 'nope');
    expect(unknown.err).toContain('unknown catalog source');
  });
});
