/**
 * The import, mapping, rematch, pipeline and demo commands run in this process through `main()`,
 * against a SQLite file: the scenario an operator follows after a mapping fix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli-capture.ts';
import { prepareForRealData } from '../src/features/ingest/dataset.ts';
import { ingestContext } from './ingest-harness.ts';
import { CROSSWALK_CSV, dayPrices, seedCatalog, writePriceTree } from './tcgcsv-fixtures.ts';
import { seedPromoCatalog, writeListings, writePromoPrices } from './tcgcsv-products-fixtures.ts';

let dir: string;
const saved = { ...process.env };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cq-cli-'));
  for (const k of Object.keys(process.env))
    if (/^(DATABASE_URL|PRICE_SOURCES|CATALOG_SOURCES|CARDQUANT_CONFIG|TCGCSV_MAP_FILE)$/.test(k))
      delete process.env[k];
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

    const first = await cli(
      'import',
      'prices',
      'tcgcsv-files',
      '--path',
      join(dir, 'prices'),
      '--map',
      join(dir, 'crosswalk.csv'),
    );
    expect(first.code).toBe(0);
    // 777777 is unknown anywhere; 136400 is a sealed product that only TCGCSV's listings would reveal.
    expect(first.out).toMatch(/unmapped_product: 2/);
    const runId = /run (run_\w+) \(tcgcsv-files\)/.exec(first.out)?.[1];
    expect(runId).toBeDefined();

    const bad = await cli('mapping', 'add', '--product', '777777');
    expect(bad.code).toBe(1);
    const badReason = await cli('mapping', 'add', '--product', '777777', '--reject', 'nonsense');
    expect(badReason.code).toBe(1);
    expect(badReason.err).toContain('unknown_card');
    expect(
      (await cli('mapping', 'add', '--product', '777777', '--card', 'base1-55', '--note', 'checked by hand')).code,
    ).toBe(0);
    expect((await cli('mapping', 'list')).out).toContain('777777\tbase1-55');

    const rematch = await cli('import', 'rematch', runId!);
    expect(rematch.code).toBe(0);
    expect(rematch.out).toMatch(/accepted 1,/);
    expect(rematch.out).toMatch(/unmapped_product: 1\b/);
    expect((await cli('import', 'rematch', 'run_missing')).code).toBe(1);
  });

  it('imports product listings from files, then lists what a run could not link, with a suggested card', async () => {
    const ctx = await ingestContext(process.env.DATABASE_URL!);
    await seedPromoCatalog(ctx, '2025-10-21T00:00:00.000Z');
    await ctx.close();
    writeListings(join(dir, 'listings'));
    writePromoPrices(join(dir, 'promo-prices'), { '2025-10-19': 0 });

    const products = await cli('import', 'products', 'tcgcsv-files', '--path', join(dir, 'listings'));
    expect(products.code).toBe(0);
    expect(products.out).toMatch(/run run_\w+ \(tcgcsv-files\): succeeded/);
    // 42382 came from the cross-walk before: its listing adds group, name and number (updated).
    expect(products.out).toMatch(/read 9, accepted 7, updated 1, unchanged 0, rejected 1 \(malformed_row: 1\)/);

    const priced = await cli('import', 'prices', 'tcgcsv-files', '--path', join(dir, 'promo-prices'));
    expect(priced.code).toBe(0);
    expect(priced.out).toMatch(/accepted 4,/);
    const runId = /run (run_\w+) \(tcgcsv-files\)/.exec(priced.out)![1]!;

    const unmatched = await cli('mapping', 'unmatched', '--run', runId, '--reason', 'unmapped_product');
    expect(unmatched.code).toBe(0);
    expect(unmatched.out.trim().split('\n')).toEqual([
      'product_id\tgroup\tname\tnumber\treason\trows\tsuggested_card',
      '42500\t604 Base Set\tRaichu\t058/102\tunmapped_product\t1\tbase1-58',
      '777001\t604 Base Set\t-\t-\tunmapped_product\t1\t-',
    ]);
    // Without --run: the newest run that has unmatched products.
    const latest = await cli('mapping', 'unmatched', '--set', 'basep');
    expect(latest.out.trim().split('\n').slice(1)).toEqual(['100009\t1418 WoTC Promo\tMewtwo\t3\tunknown_card\t1\t-']);

    const badReason = await cli('mapping', 'unmatched', '--reason', 'nope');
    expect(badReason.code).toBe(1);
    expect(badReason.err).toContain('--reason must be one of');
    const badRun = await cli('mapping', 'unmatched', '--run', 'run_missing');
    expect(badRun.code).toBe(1);
    expect(badRun.err).toContain('run_missing');
    const noPath = await cli('import', 'products', 'tcgcsv-files');
    expect(noPath.code).toBe(1);
    expect(noPath.err).toContain('--path');
    const unknown = await cli('import', 'products', 'nope');
    expect(unknown.err).toContain('unknown products source');
  });

  it('runs pipeline steps and reports each', async () => {
    const steps = await cli('pipeline', 'steps');
    expect(steps.out).toMatch(/^read-models\s+Derive the read models/m);
    expect(steps.out).toMatch(/^derive\s+Deprecated alias of read-models \(removed in 0\.4\.0\)\./m);
    const run = await cli('pipeline', 'run', '--step', 'read-models');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^read-models\s+succeeded/m);
    expect(run.err).not.toContain('deprecated');
    // The deprecated name runs the same step, recorded under its current name, with a warning.
    const old = await cli('pipeline', 'run', '--step', 'derive');
    expect(old.code).toBe(0);
    expect(old.out).toMatch(/^read-models\s+succeeded/m);
    expect(old.err).toContain(
      'warning: step "derive" is deprecated: use "read-models" (the old name is removed in 0.4.0)',
    );
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
