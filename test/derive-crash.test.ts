/**
 * The derive step publishes its read models atomically: a derive process killed with SIGKILL at a
 * random statement leaves either the old read models under the old ETag or the new ones under a
 * new ETag. After every kill, the list, every card's detail, movers and the dashboard must agree
 * for every card. Prices change before each derive (every price +1 cent), so old and new differ
 * for every card and a mix would show.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../src/features/demo/demo.service.ts';
import { deriveReadModels } from '../src/features/market/derive.ts';
import { bundleScript, type BundledScript } from './bundle.ts';
import { cliEnv } from './process.ts';
import { dialects, label } from './dialects.ts';
import { startHarness, type Harness } from './harness.ts';

/**
 * Kill points are stratified (`killPoint`): trial t of n dies at a random statement of the t-th
 * n-th of the derive, so every part of it is hit in every run. Twenty uniform points would leave
 * on average 1.2 tenths of the derive without a kill (10 × 0.9^20), ten stratified ones leave
 * none; for the rescoring, ten uniform points would leave 1.0 sixths (6 × (5/6)^10) unhit, six
 * stratified ones none.
 */
const TRIALS = 10;
const SCORE_TRIALS = 6;
const SCRIPT = new URL('./fixtures/derive-process.ts', import.meta.url).pathname;
/** The fixture bundled once per file: each of the many children starts without loading TypeScript through tsx. */
let bundled: BundledScript | undefined;
const DEMO = { cards: 90, printingsPerCard: 1.5, days: 40, seed: 11, end: '2026-11-24' };
/** Per child: start-up and one derive of the small demo; generous for a loaded 2-core machine. */
const CHILD_DEADLINE_MS = 60_000;

/**
 * The statement (1-based, of `statements`) at which trial `trial` (1-based, of `trials`) kills the
 * child: a random one within the trial's own equal share of the statements.
 */
function killPoint(next: () => number, trial: number, trials: number, statements: number): number {
  return 1 + Math.min(statements - 1, Math.floor(((trial - 1 + next()) / trials) * statements));
}

/** Deterministic kill points, reproducible from the seed printed on failure. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ChildOutcome {
  statements: number;
  completed: boolean;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the derive (or the rescoring) in a child; SIGKILLs it when it reports statement `killAt` (never when null). */
function deriveInChild(
  url: string,
  killAt: number | null,
  mode: 'derive' | 'scores' = 'derive',
): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundled!.path, url, mode], {
      env: cliEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let statements = 0;
    const deadline = setTimeout(() => child.kill('SIGKILL'), CHILD_DEADLINE_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const seen = out.match(/^statement \d+$/gm)?.length ?? 0;
      if (seen > statements) statements = seen;
      if (killAt !== null && statements >= killAt) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(deadline);
      const completed = /^derived after/m.test(out);
      if (!completed && signal !== 'SIGKILL') reject(new Error(`derive child exited ${code}: ${stderr}`));
      else resolve({ statements, completed, signal, stderr });
    });
  });
}

interface Observed {
  etag: string;
  /** Card id → list price, headline printing, market, condition and signal score. */
  list: Map<
    string,
    {
      price: number | null;
      printing: string | null;
      market: string | null;
      condition: string | null;
      score: number | null;
    }
  >;
  problems: string[];
}

type SeriesPrices = Map<string, number>;
const seriesKey = (printing: string, market: string, condition: string) => `${printing}|${market}|${condition}`;

/** Reads the public API as a client would, and lists every disagreement between its answers. */
async function observe(h: Harness): Promise<Observed> {
  const problems: string[] = [];
  const list: Observed['list'] = new Map();
  let etag = '';
  let cursor: string | null = null;
  do {
    const res = await h.request(`/v1/cards?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as {
      items: {
        id: string;
        price: number | null;
        score: number | null;
        headline: { printing_id: string; market: string; condition: string } | null;
      }[];
      next_cursor: string | null;
    };
    const tag = res.headers.get('etag') ?? '';
    if (etag && tag !== etag) problems.push(`list pages carry different ETags ${etag} and ${tag}`);
    etag = tag;
    for (const c of page.items) {
      list.set(c.id, {
        price: c.price,
        score: c.score,
        printing: c.headline?.printing_id ?? null,
        market: c.headline?.market ?? null,
        condition: c.headline?.condition ?? null,
      });
    }
    cursor = page.next_cursor;
  } while (cursor);

  const series: SeriesPrices = new Map();
  for (const [id, item] of list) {
    const res = await h.request(`/v1/cards/${encodeURIComponent(id)}`);
    expect(res.status).toBe(200);
    if (res.headers.get('etag') !== etag)
      problems.push(`${id}: detail ETag ${res.headers.get('etag')} differs from the list's ${etag}`);
    const detail = (await res.json()) as {
      headline_printing_id: string | null;
      score: number | null;
      printings: { id: string; prices: { market: string; condition: string; price: number; headline: boolean }[] }[];
    };
    let headline: number | null = null;
    for (const p of detail.printings) {
      for (const s of p.prices) {
        series.set(seriesKey(p.id, s.market, s.condition), s.price);
        if (s.headline) headline = s.price;
      }
    }
    if (headline !== item.price) problems.push(`${id}: list price ${item.price}, detail headline price ${headline}`);
    if (detail.score !== item.score) problems.push(`${id}: list score ${item.score}, detail score ${detail.score}`);
    if (detail.headline_printing_id !== item.printing)
      problems.push(`${id}: list headline ${item.printing}, detail ${detail.headline_printing_id}`);
  }

  const checkMover = (
    where: string,
    m: { card: { id: string }; printing: { id: string }; market: string; condition: string; to_price: number },
  ) => {
    const price = series.get(seriesKey(m.printing.id, m.market, m.condition));
    if (price !== m.to_price) problems.push(`${where} ${m.printing.id}: mover price ${m.to_price}, detail ${price}`);
    const item = list.get(m.card.id);
    if (
      item &&
      item.printing === m.printing.id &&
      item.market === m.market &&
      item.condition === m.condition &&
      item.price !== m.to_price
    ) {
      problems.push(`${where} ${m.card.id}: mover price ${m.to_price}, list price ${item.price}`);
    }
  };
  for (const direction of ['up', 'down']) {
    const res = await h.request(`/v1/movers?window=7d&direction=${direction}&limit=100`);
    expect(res.status).toBe(200);
    if (res.headers.get('etag') !== etag)
      problems.push(`movers ETag ${res.headers.get('etag')} differs from the list's ${etag}`);
    for (const m of ((await res.json()) as { items: Parameters<typeof checkMover>[1][] }).items)
      checkMover(`movers ${direction}`, m);
  }
  const res = await h.request('/v1/dashboard');
  expect(res.status).toBe(200);
  // The dashboard's ETag adds the day (its freshness depends on it) to the data version.
  if (!res.headers.get('etag')?.startsWith(etag.slice(0, -1)))
    problems.push(`dashboard ETag ${res.headers.get('etag')} differs from the list's ${etag}`);
  const dashboard = (await res.json()) as {
    movers: { up: Parameters<typeof checkMover>[1][]; down: Parameters<typeof checkMover>[1][] };
    top_signals: { id: string; price: number | null; score: number | null }[] | null;
  };
  for (const m of [...dashboard.movers.up, ...dashboard.movers.down]) checkMover('dashboard', m);
  for (const t of dashboard.top_signals ?? []) {
    const item = list.get(t.id);
    if (item?.score !== t.score || item.price !== t.price)
      problems.push(
        `dashboard top signal ${t.id}: score ${t.score} price ${t.price}, list ${item?.score} ${item?.price}`,
      );
  }
  const top = [...list]
    .filter(([, c]) => c.score !== null)
    .sort((a, b) => b[1].score! - a[1].score! || (a[0] < b[0] ? -1 : 1));
  const expectedTop = top.slice(0, dashboard.top_signals?.length ?? 0).map(([id]) => id);
  if (JSON.stringify(expectedTop) !== JSON.stringify((dashboard.top_signals ?? []).map((t) => t.id))) {
    problems.push(
      `dashboard top signals ${(dashboard.top_signals ?? []).map((t) => t.id).join(',')}, list's highest scores ${expectedTop.join(',')}`,
    );
  }
  return { etag, list, problems };
}

beforeAll(async () => {
  bundled = await bundleScript(SCRIPT);
});
afterAll(() => bundled?.dispose());

describe.each(dialects)('a derive killed at a random statement on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let dir: string;
    let url: string;
    let h: Harness;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cardquant-derive-crash-'));
      url = d.name === 'sqlite' ? `sqlite:${join(dir, 'cardquant.db')}` : await d.create();
      // No response cache: every answer comes from the stored read models, as a restarted server's would.
      h = await startHarness(url, { RATE_LIMIT_ANONYMOUS: '10000000', RESPONSE_CACHE_MB: '0' });
      await seedDemo(h.runtime.ingest, DEMO);
      await deriveReadModels(h.runtime.database, h.runtime.clock);
    }, 120_000);

    afterAll(async () => {
      await h?.close();
      if (d.name === 'postgres' && url) await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });

    it(`leaves list, detail, movers and dashboard agreeing for every card (${TRIALS} trials)`, async () => {
      const seed = Date.now() % 1_000_000;
      const next = random(seed);
      // One derive that runs to the end: how many statements a derive makes, and a consistent start.
      await sql`update prices set market_cents = market_cents + 1 where market_cents is not null`.execute(
        h.runtime.database.db,
      );
      const full = await deriveInChild(url, null);
      expect(full.completed, full.stderr).toBe(true);
      let before = await observe(h);
      expect(before.problems).toEqual([]);
      expect(before.list.size).toBe(DEMO.cards);

      let killed = 0;
      for (let trial = 1; trial <= TRIALS; trial++) {
        await sql`update prices set market_cents = market_cents + 1 where market_cents is not null`.execute(
          h.runtime.database.db,
        );
        const killAt = killPoint(next, trial, TRIALS, full.statements);
        const outcome = await deriveInChild(url, killAt);
        if (!outcome.completed) killed++;
        const after = await observe(h);
        const context = `seed ${seed}, trial ${trial}, killed at statement ${killAt} of ${full.statements} (${outcome.completed ? 'the derive had finished' : 'mid-derive'})`;
        expect(after.problems, context).toEqual([]);
        const priced = [...after.list].filter(([id, c]) => c.price !== null && before.list.get(id)?.price !== null);
        const changed = priced.filter(([id, c]) => before.list.get(id)!.price !== c.price).length;
        // Old or new, as a whole: no card moved without the others, and the ETag moved with them.
        expect(priced.length, context).toBeGreaterThan(0);
        expect([0, priced.length], context).toContain(changed);
        expect(after.etag !== before.etag, context).toBe(changed > 0);
        if (outcome.completed) expect(changed, context).toBe(priced.length);
        before = after;
      }
      // Most kill points fall inside the derive (a kill at one of the last statements may come after its commit).
      expect(killed).toBeGreaterThanOrEqual(TRIALS / 2);
    }, 240_000);

    it(`the signals step's rescoring: scores in list, detail and dashboard move together (${SCORE_TRIALS} trials)`, async () => {
      const seed = Date.now() % 1_000_000;
      const next = random(seed);
      const [signals] = await h.runtime.pipeline.run(['signals'], { trigger: 'cli' });
      expect(signals?.status).toBe('succeeded');
      const full = await deriveInChild(url, null, 'scores');
      expect(full.completed, full.stderr).toBe(true);
      let before = await observe(h);
      expect(before.problems).toEqual([]);
      const scored = () => [...before.list.values()].filter((c) => c.score !== null).length;
      expect(scored()).toBeGreaterThan(10);

      let killed = 0;
      for (let trial = 1; trial <= SCORE_TRIALS; trial++) {
        // New scores for the latest signal date: what a new signals run would leave for the rescoring.
        await sql`update signals set score = score + 0.125 where score is not null`.execute(h.runtime.database.db);
        const killAt = killPoint(next, trial, SCORE_TRIALS, full.statements);
        const outcome = await deriveInChild(url, killAt, 'scores');
        if (!outcome.completed) killed++;
        const after = await observe(h);
        const context = `seed ${seed}, trial ${trial}, killed at statement ${killAt} of ${full.statements} (${outcome.completed ? 'the rescoring had finished' : 'mid-rescoring'})`;
        expect(after.problems, context).toEqual([]);
        const ids = [...after.list]
          .filter(([id, c]) => c.score !== null && before.list.get(id)?.score !== null)
          .map(([id]) => id);
        const changed = ids.filter((id) => before.list.get(id)!.score !== after.list.get(id)!.score).length;
        expect([0, ids.length], context).toContain(changed);
        expect(after.etag !== before.etag, context).toBe(changed > 0);
        before = after;
      }
      expect(killed).toBeGreaterThanOrEqual(SCORE_TRIALS / 2);
    }, 240_000);
  });
});
