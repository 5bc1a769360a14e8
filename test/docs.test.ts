/**
 * Docs that stay true: where README.md or docs/ state a fact the code also holds (settings, the
 * pipeline's steps, the sources, scripts, paths, limits), the fact is read from the code here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema, loadConfig, settingDocs } from '../src/config.ts';
import { configTable } from '../scripts/config-table.ts';
import { BACKTEST_INLINE_LIMIT, BACKTEST_MAX_WORK, TRADE_LOG_LIMIT } from '../src/features/backtests/backtests.ts';
import { CSV_CHUNK_ROWS } from '../src/features/ingest/sources/history-csv.ts';
import { catalogImporters, priceImporters, RESUMABLE_SOURCES } from '../src/features/ingest/sources/registry.ts';
import { STEP_CATALOGUE } from '../src/features/pipeline/steps.ts';
import { WATCHLIST_CAP } from '../src/features/portfolios/watchlist.service.ts';
import { PRICE_CHUNK_ROWS } from '../src/features/prices/price-importer.ts';
import { FEED_RANK } from '../src/features/prices/price-writer.repo.ts';
import { MIN_CONSTITUENTS } from '../src/features/market/indexes.ts';
import {
  CUSUM_H,
  CUSUM_K,
  REGIME_DECAY_DAYS,
  SEARCH_PRIOR_DAYS,
  SEARCH_RECENT_DAYS,
  TREND_DAYS,
  VOL_DAYS,
  VOL_FLOOR,
} from '../src/features/signals/robust-trend.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const readme = read('README.md');
const architecture = read('docs/ARCHITECTURE.md');
/** The documents whose claims are checked against the code. */
const DOCS = ['README.md', 'docs/ARCHITECTURE.md', 'docs/RUNBOOK.md', 'docs/METHODS.md'];

const backticked = (text: string) => [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
/** The text between `start` and `end` in `text` (the test fails when either is missing). */
function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end, from + start.length);
  expect(from, `"${start}" is in the document`).toBeGreaterThanOrEqual(0);
  expect(to, `"${end}" follows "${start}"`).toBeGreaterThan(from);
  return text.slice(from + start.length, to);
}
const thousands = (n: number) => n.toLocaleString('en-US');

const NOT_OURS = new Set(['.git', 'node_modules', 'coverage', 'data', 'fixtures', 'results']);
/** The repository's files under `dir` whose name passes `keep` (dependencies, data and fixtures left out). */
function files(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    NOT_OURS.has(e.name)
      ? []
      : e.isDirectory()
        ? files(join(dir, e.name), keep)
        : keep(e.name)
          ? [join(dir, e.name)]
          : [],
  );
}

describe('README', () => {
  it('starts with the two commands a newcomer runs', () => {
    const top = readme.split('\n').slice(0, 15).join('\n');
    expect(top).toContain('npm ci && npm start');
    expect(top).toContain('npm ci && npm test');
  });

  it('documents every setting with its current default', () => {
    const table = readme.split('<!-- config-table:start')[1]?.split('<!-- config-table:end -->')[0] ?? '';
    expect(table.slice(table.indexOf('\n') + 1).trim()).toBe(configTable());
  });
});

describe('.env.example', () => {
  it('mentions every setting', () => {
    const example = read('.env.example');
    const missing = Object.keys(configSchema.shape).filter((key) => !new RegExp(`^# ${key}=`, 'm').test(example));
    expect(missing).toEqual([]);
  });
});

describe('the pipeline steps in the docs', () => {
  const names = STEP_CATALOGUE.map((s) => s.name);

  it('README lists the steps of STEP_CATALOGUE, in order', () => {
    expect(backticked(between(readme, 'runs its steps in order —', '(`cardquant pipeline steps`'))).toEqual(names);
  });

  it("ARCHITECTURE's market data flow lists the steps of STEP_CATALOGUE, in order", () => {
    const line = /^ pipeline: (.+)$/m.exec(architecture)?.[1] ?? '';
    expect(line.split(' → ')).toEqual(names);
  });

  it('every `--step NAME` in the docs names a step', () => {
    const unknown = DOCS.flatMap((doc) =>
      [...read(doc).matchAll(/--step ([a-z][a-z-]*)/g)].map((m) => m[1]!).filter((n) => !names.includes(n)),
    );
    expect(unknown).toEqual([]);
  });
});

describe('the sources and feeds in the docs', () => {
  const config = loadConfig({});
  const catalog = Object.keys(catalogImporters(config)).sort();
  const prices = Object.keys(priceImporters(config));

  it("README's data sources table names every import source, and only those", () => {
    const table = between(readme, '| source | what | how |', '\n\n');
    const named = [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
    expect(named.sort()).toEqual([...new Set([...catalog, ...prices])].sort());
  });

  it('README names every catalogue source of `import catalog`', () => {
    const row = between(readme, '| `cardquant import catalog SOURCE', '\n');
    expect(backticked(row.slice(row.indexOf('| Import'))).sort()).toEqual(catalog);
  });

  it('README says which sources `--resume` continues: the resumable ones', () => {
    const text = between(readme, '`--resume RUN` continues', 'The other sources');
    const resumable = [...new Set([...RESUMABLE_SOURCES.catalog, ...RESUMABLE_SOURCES.prices])].sort();
    expect(
      backticked(text)
        .filter((t) => !t.startsWith('--'))
        .sort(),
    ).toEqual(resumable);
  });

  it('the pipeline sources a setting accepts are the ones its description lists, and each can be imported', () => {
    const accepted = {
      CATALOG_SOURCES: configSchema.shape.CATALOG_SOURCES.unwrap().out.element.options,
      PRICE_SOURCES: configSchema.shape.PRICE_SOURCES.unwrap().out.element.options,
    };
    for (const [key, options] of Object.entries(accepted) as [keyof typeof accepted, readonly string[]][]) {
      const listed = /: ([a-z, -]+)\./.exec(settingDocs[key])?.[1]?.split(', ') ?? [];
      expect(listed, key).toEqual([...options]);
      const registry = key === 'CATALOG_SOURCES' ? catalog : prices;
      expect(
        options.filter((o) => !registry.includes(o)),
        key,
      ).toEqual([]);
    }
  });

  it('README and ADR 9 state the feed precedence of FEED_RANK', () => {
    const byRank = Object.entries(FEED_RANK)
      .sort((a, b) => b[1] - a[1])
      .map(([feed]) => feed);
    const spelled: Record<string, string> = {
      TCGCSV: 'tcgcsv',
      JustTCG: 'justtcg',
      'pokemontcg.io': 'pokemontcg',
      TCGdex: 'tcgdex',
    };
    const inReadme = /\((TCGCSV > [^;]+);/.exec(readme)?.[1]?.split(/\s+>\s+/) ?? [];
    expect(inReadme.map((name) => spelled[name] ?? name)).toEqual(byRank);
    const adr = read('docs/adr/0009-feed-precedence.md');
    const ranks = [...between(adr, 'Feeds are ranked:', 'anything else').matchAll(/`([a-z]+)` (\d)/g)];
    expect(Object.fromEntries(ranks.map((m) => [m[1]!, Number(m[2])]))).toEqual(FEED_RANK);
  });
});

describe('commands, paths and links in the docs', () => {
  it('every `npm run X` (and `npm start` / `npm test`) in the docs and code comments is a script of package.json', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    const texts = [
      ...files('.', (n) => n.endsWith('.md')).filter((f) => f !== 'CHANGELOG.md'),
      ...['src', 'scripts', 'bench', 'test', '.ci'].flatMap((dir) => files(dir, (n) => !n.endsWith('.json'))),
    ].filter((f) => !f.endsWith('docs.test.ts'));
    const missing = texts.flatMap((file) =>
      [...read(file).matchAll(/\bnpm (?:run ([\w:.-]+)|(start|test|stop|restart)\b)/g)]
        .map((m) => m[1] ?? m[2]!)
        .filter((name) => !scripts.includes(name))
        .map((name) => `${file}: ${name}`),
    );
    expect(texts.length).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it('every repository path the docs name exists', () => {
    const missing = DOCS.flatMap((doc) =>
      backticked(read(doc))
        .filter((t) => /^(src|test|docs|scripts|bench|bin)\/[\w./*-]*$/.test(t))
        // A glob names its folder (`sources/*.ts`, `backtests*.ts`).
        .map((t) => (t.includes('*') ? dirname(t.slice(0, t.indexOf('*')) + 'x') : t))
        .filter((path) => !existsSync(join(ROOT, path)))
        .map((path) => `${doc}: ${path}`),
    );
    expect(missing).toEqual([]);
  });

  it('every relative link in the docs leads to a file, and every METHODS.md anchor to a section', () => {
    const slug = (heading: string) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-');
    const sections = new Set([...read('docs/METHODS.md').matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]!)));
    const broken = DOCS.flatMap((doc) =>
      [...read(doc).matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => m[1]!)
        .filter((target) => !/^(https?:|mailto:|#)/.test(target))
        .filter((target) => {
          const [file, anchor] = target.split('#') as [string, string | undefined];
          const path = relative(ROOT, join(ROOT, dirname(doc), file));
          if (!existsSync(join(ROOT, path))) return true;
          return anchor !== undefined && path === join('docs', 'METHODS.md') && !sections.has(anchor);
        })
        .map((target) => `${doc}: ${target}`),
    );
    expect(sections.size).toBeGreaterThan(20);
    expect(broken).toEqual([]);
  });
});

describe('numbers the docs repeat from the code', () => {
  it('chunk sizes of the price importer and the price CSV', () => {
    expect(architecture).toContain(`(chunks of ${thousands(PRICE_CHUNK_ROWS)} rows;`);
    expect(architecture).toContain(`${thousands(CSV_CHUNK_ROWS)} rows per chunk`);
    expect(readme).toContain(
      `The file is streamed: ${thousands(CSV_CHUNK_ROWS)} rows are parsed and written at a time`,
    );
  });

  it('backtest limits and the watchlist cap', () => {
    expect(readme).toContain(`at most ${thousands(BACKTEST_INLINE_LIMIT)} cells`);
    expect(readme).toContain(`Runs above ${thousands(BACKTEST_MAX_WORK)} cells`);
    expect(readme).toContain(`the first ${thousands(TRADE_LOG_LIMIT)} trades`);
    expect(readme).toContain(`A watchlist holds up to ${WATCHLIST_CAP} printings`);
  });

  it("METHODS' index constituents and robust-trend windows", () => {
    const methods = read('docs/METHODS.md');
    expect(methods).toContain(`|M_k| ≥ ${MIN_CONSTITUENTS}\` (\`MIN_CONSTITUENTS\`)`);
    expect(methods).toContain(`last ${VOL_DAYS} days, each divided by √(gap in days), floored at ${VOL_FLOOR}`);
    expect(methods).toContain(`over the last ${TREND_DAYS} days (≥ 5 observations)`);
    expect(methods).toContain(
      `CUSUM (k = ${CUSUM_K}, h = ${CUSUM_H}) of standardised returns of the last ${VOL_DAYS} days`,
    );
    expect(methods).toContain(`exp(−age in days / ${REGIME_DECAY_DAYS})`);
    expect(methods).toContain(
      `SVI of the last ${SEARCH_RECENT_DAYS} days) − ln(1 + mean SVI of the ${SEARCH_PRIOR_DAYS} days before)`,
    );
  });
});

describe('test placement (test/README.md)', () => {
  /** Tests in test/ that neither start processes nor span features: app-wide checks, with the reason. */
  const APP_WIDE: Record<string, string> = {
    'bootstrap-and-readiness.test.ts': 'first start of a database: admin bootstrap and readiness of the whole runtime',
    'budget.test.ts': "the suite's own time budgets, over every test file",
    'web-budget.test.ts':
      'the built web app and its sources: the JavaScript budget and the build report over every route, no markup from strings',
    'web-client.test.ts': "the web app's generated API types against the OpenAPI document of every feature",
    'docs.test.ts': 'the docs against the code of every feature',
    'http-conventions.test.ts': 'HTTP conventions every route keeps',
    'lint-rules.test.ts': 'the lint rules every source file keeps (queries in repositories, settings through config)',
    'log-canary.test.ts': 'canaries through every channel, searched for in all log output',
    'route-auth.test.ts': 'walks every registered route',
    'vocabulary-aliases.test.ts': 'the renamed names and their deprecated aliases across every feature of the API',
    'secrets-at-rest.test.ts': 'no plaintext secret in any table of the whole runtime',
    'portfolio-isolation.test.ts':
      'every portfolio operation of the OpenAPI document, called across two portfolios, whatever feature adds it',
  };
  const PROCESS =
    /from '(?:\.\/process\.ts|\.\/browser\.ts|\.\/cli-capture\.ts|node:child_process|node:worker_threads)'/;
  const ROOT_MODULE = /from '\.\.\/src\/(?:app|runtime|server|cli|cli-support|delivery-channels)\.ts'/;

  it('every test in test/ starts processes, spans two or more features, or is an app-wide check', () => {
    const misplaced = files('test', (n) => n.endsWith('.test.ts'))
      .map((file) => relative('test', file))
      .filter((file) => {
        const text = read(join('test', file));
        const features = new Set([...text.matchAll(/from '\.\.\/src\/features\/([a-z-]+)\//g)].map((m) => m[1]));
        return !PROCESS.test(text) && !ROOT_MODULE.test(text) && features.size < 2 && !(file in APP_WIDE);
      });
    expect(misplaced, 'move a single-feature test beside its code (test/README.md)').toEqual([]);
  });

  it('the allow-list names only files that exist', () => {
    expect(Object.keys(APP_WIDE).filter((file) => !existsSync(join(ROOT, 'test', file)))).toEqual([]);
  });
});
