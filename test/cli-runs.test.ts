/**
 * Run outcomes as an operator sees them on the command line (SQLite file; the storage side is
 * tested on both dialects in src/features/ingest/run-outcomes.test.ts): a listing creates no
 * database, a run that reads nothing or rejects everything exits non-zero with a hint, and
 * `--resume` continues a files run or is refused where a source keeps no checkpoint.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli-capture.ts';
import { ingestContext } from './ingest-harness.ts';
import { CROSSWALK_CSV, dayPrices, seedCatalog, writePriceTree } from './tcgcsv-fixtures.ts';

let dir: string;
let dbFile: string;
const saved = { ...process.env };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cq-cli-runs-'));
  for (const k of Object.keys(process.env))
    if (/^(DATABASE_URL|PRICE_SOURCES|CATALOG_SOURCES|CARDQUANT_CONFIG|TCGCSV_MAP_FILE)$/.test(k))
      delete process.env[k];
  dbFile = join(dir, 'db.sqlite');
  process.env.DATABASE_URL = `sqlite:${dbFile}`;
  process.env.LOG_LEVEL = 'silent';
  writePriceTree(join(dir, 'prices'), { '2025-10-19': dayPrices(340), '2025-10-20': dayPrices(350) });
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'crosswalk.csv'), CROSSWALK_CSV);
});

afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

const runId = (out: string) => /run (run_\w+) \(/.exec(out)?.[1];

describe('run outcomes on the command line', () => {
  it('lists the pipeline steps without creating a database', async () => {
    const steps = await cli('pipeline', 'steps');
    expect(steps.code).toBe(0);
    expect(steps.out).toMatch(/^ingest-prices\s+Import daily prices/m);
    expect(steps.out).toMatch(/^retention/m);
    expect(existsSync(dbFile)).toBe(false);
  });

  it('refuses --resume for a source that keeps no checkpoint, before touching the database', async () => {
    const res = await cli('import', 'prices', 'csv', '--path', join(dir, 'none.csv'), '--resume', 'run_x');
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/--resume: source csv keeps no checkpoint and cannot resume/);
    expect(existsSync(dbFile)).toBe(false);
  });

  it('exits non-zero with a hint when a run reads nothing or rejects every row', async () => {
    const ctx = await ingestContext(process.env.DATABASE_URL!);
    await seedCatalog(ctx);
    await ctx.close();

    const empty = await cli('import', 'prices', 'tcgcsv-files', '--path', join(dir, 'empty'));
    expect(empty.code).toBe(1);
    expect(empty.out).toMatch(/\(tcgcsv-files\): failed/);
    expect(empty.out).toContain('error: no price files (<date>/3/<groupId>/prices) under empty');

    const range = await cli(
      'import',
      'prices',
      'tcgcsv-files',
      '--path',
      join(dir, 'prices'),
      '--from',
      '2025-09-01',
      '--to',
      '2025-09-30',
    );
    expect(range.code).toBe(1);
    expect(range.out).toContain('under prices for 2025-09-01…2025-09-30');

    const noMap = await cli('import', 'prices', 'tcgcsv-files', '--path', join(dir, 'prices'));
    expect(noMap.code).toBe(1);
    expect(noMap.out).toMatch(
      /error: every row was rejected: \d+ unmapped_product.* — import the product listings .* or a cross-walk \(--map\)/,
    );
  });

  it('--resume continues a tcgcsv-files run after the dates it finished and records the run it resumes', async () => {
    const first = await cli(
      'import',
      'prices',
      'tcgcsv-files',
      '--path',
      join(dir, 'prices'),
      '--to',
      '2025-10-19',
      '--map',
      join(dir, 'crosswalk.csv'),
    );
    expect(first.code).toBe(0);
    const firstId = runId(first.out)!;
    const resumed = await cli(
      'import',
      'prices',
      'tcgcsv-files',
      '--path',
      join(dir, 'prices'),
      '--map',
      join(dir, 'crosswalk.csv'),
      '--resume',
      firstId,
    );
    expect(resumed.code).toBe(0);
    const ctx = await ingestContext(process.env.DATABASE_URL!);
    try {
      const row = await ctx.runs.get(runId(resumed.out)!);
      expect(row?.resumes).toBe(firstId);
      const names: string[] = [];
      for await (const p of ctx.runs.payloads(row!.id)) names.push(p.name);
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((n) => !n.startsWith('2025-10-20/'))).toEqual([]);
    } finally {
      await ctx.close();
    }
    const wrongSource = await cli(
      'import',
      'prices',
      'tcgcsv-archive',
      '--path',
      join(dir, 'prices'),
      '--resume',
      firstId,
    );
    expect(wrongSource.code).toBe(1);
    expect(wrongSource.err).toContain(`run ${firstId} is a prices run of tcgcsv-files, not of tcgcsv-archive`);
  });

  it('refuses a zip-compressed CSV, saying it is compressed', async () => {
    writeFileSync(
      join(dir, 'prices.zip'),
      Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('card_id,finish')]),
    );
    const res = await cli('import', 'prices', 'csv', '--path', join(dir, 'prices.zip'));
    expect(res.code).toBe(1);
    expect(res.err).toContain('prices.zip is zip-compressed, not a CSV text file');
  });
});
