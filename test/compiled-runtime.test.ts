/**
 * The compiled path end to end (docs/adr/0015): the build emits src/ into a fresh directory laid
 * out like an installed copy (package.json, bin/, dist/, node_modules), and the real
 * `bin/cardquant.js` there runs the emitted JavaScript — `--help`, `version --verbose`, `migrate up`
 * against a new SQLite file — with the same migration checksums as the TypeScript sources. Worker
 * threads and child processes started by compiled code run compiled code; started from the
 * sources (this test), they run TypeScript.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrationStatus } from '../src/platform/db/migrator.ts';
import { cardquantArgs, runtimeKind, startWorker } from '../src/platform/entrypoints.ts';
import { BUDGET } from './budget.ts';
import { cliEnv } from './process.ts';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cq-compiled-'));
const dbUrl = `sqlite:${join(dir, 'cardquant.db')}`;

/** A worker body for startWorker: reports which file it was loaded from. */
const PROBE = `import { parentPort } from 'node:worker_threads';
export function probe() { parentPort.postMessage(import.meta.url); }
`;

function node(args: string[]) {
  return run(process.execPath, args, {
    cwd: dir,
    env: cliEnv({ DATABASE_URL: dbUrl, LOG_LEVEL: 'warn' }),
    timeout: BUDGET.processRunMs,
  });
}

beforeAll(async () => {
  copyFileSync(join(repo, 'package.json'), join(dir, 'package.json'));
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(repo, 'bin', 'cardquant.js'), join(dir, 'bin', 'cardquant.js'));
  symlinkSync(realpathSync(join(repo, 'node_modules')), join(dir, 'node_modules'), 'dir');
  await run(process.execPath, [join(repo, 'scripts', 'build.mjs'), '--out-dir', join(dir, 'dist')], {
    timeout: BUDGET.processRunMs,
  });
  writeFileSync(join(dir, 'probe.ts'), PROBE);
  writeFileSync(join(dir, 'probe.js'), PROBE);
}, BUDGET.processRunMs * 2);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('bin/cardquant.js runs the emitted JavaScript when dist/ is there', async () => {
  const help = await node([join(dir, 'bin', 'cardquant.js'), '--help']);
  expect(help.stdout).toContain('Usage: cardquant');
  expect(help.stderr).toBe('');

  const version = await node([join(dir, 'bin', 'cardquant.js'), 'version', '--verbose']);
  expect(version.stdout).toContain('runtime: compiled');
  expect(version.stdout).toContain(`module: ${join(dir, 'dist', 'cli.js')}`);
});

it('bin/cardquant.js runs the TypeScript through tsx, with a note on stderr, when nothing was built', async () => {
  const unbuilt = join(dir, 'unbuilt');
  mkdirSync(join(unbuilt, 'bin'), { recursive: true });
  copyFileSync(join(repo, 'package.json'), join(unbuilt, 'package.json'));
  copyFileSync(join(repo, 'bin', 'cardquant.js'), join(unbuilt, 'bin', 'cardquant.js'));
  symlinkSync(realpathSync(join(repo, 'node_modules')), join(unbuilt, 'node_modules'), 'dir');
  symlinkSync(join(repo, 'src'), join(unbuilt, 'src'), 'dir');

  const version = await node([join(unbuilt, 'bin', 'cardquant.js'), 'version', '--verbose']);
  expect(version.stdout).toContain('runtime: typescript');
  expect(version.stderr).toContain('dist/ not built');
});

it('migrates from the compiled code with the checksums of the TypeScript migrations', async () => {
  const up = await node([join(dir, 'bin', 'cardquant.js'), 'migrate', 'up']);
  expect(up.stdout).toMatch(/Database is current: \d+ migration\(s\) applied\./);

  const database = openDatabase(dbUrl);
  try {
    const status = await migrationStatus(database);
    expect(status.length).toBeGreaterThan(0);
    expect(status.filter((s) => s.state !== 'applied')).toEqual([]);
  } finally {
    await database.close();
  }
});

it('compiled code starts compiled worker threads and child processes', async () => {
  const driver = join(dir, 'driver.mjs');
  writeFileSync(
    driver,
    `import { execFileSync } from 'node:child_process';
import { cardquantArgs, startWorker } from './dist/platform/entrypoints.js';
const worker = startWorker('./probe.ts', ${JSON.stringify(pathToFileURL(join(dir, '/')).href)}, 'probe', {});
const loaded = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
const child = execFileSync(process.execPath, [...cardquantArgs(), 'version', '--verbose'], { encoding: 'utf8' });
console.log(JSON.stringify({ loaded, child }));
`,
  );
  const { stdout } = await node([driver]);
  const { loaded, child } = JSON.parse(stdout) as { loaded: string; child: string };
  expect(loaded).toBe(pathToFileURL(join(dir, 'probe.js')).href);
  expect(child).toContain('runtime: compiled');
  expect(child).toContain(`module: ${join(dir, 'dist', 'cli.js')}`);
});

it('started from the TypeScript sources, worker threads and child processes run TypeScript', async () => {
  expect(runtimeKind).toBe('typescript');
  const worker = startWorker('./probe.ts', pathToFileURL(join(dir, '/')), 'probe', {});
  const loaded = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  expect(loaded).toBe(pathToFileURL(join(dir, 'probe.ts')).href);

  const child = await node([...cardquantArgs(), 'version', '--verbose']);
  expect(child.stdout).toContain('runtime: typescript');
  expect(child.stdout).toContain(`module: ${join(repo, 'src', 'cli.ts')}`);
});
