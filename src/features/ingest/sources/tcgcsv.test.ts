import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { ingestContext } from '#test/ingest-harness.ts';
import {
  CROSSWALK_CSV,
  GROUPS,
  NOT_FOUND_BODY,
  NOW,
  PRODUCTS,
  dayPrices,
  envelope,
  pricesBody,
  seedCatalog,
} from '#test/tcgcsv-fixtures.ts';
import type { IngestContext } from '../context.ts';
import { importTcgcsvPrices, tcgcsvPriceDate, type TcgcsvApiOptions } from './tcgcsv.ts';

// --- A local replay of tcgcsv.com ---------------------------------------------------------------

const PRICES: Record<number, string> = {
  ...Object.fromEntries(Object.entries(dayPrices(350.25)).map(([g, rows]) => [g, pricesBody(rows)])),
  17688: pricesBody([
    [478000, 'Holofoil', 40, 55, 120, 52.4],
    [478001, 'Holofoil', 4, 6, 15, 5.5],
  ]),
  630: pricesBody([[999001, 'Holofoil', 1, 2, 3, 2]]),
};

type Behaviour = 'ok' | 'hang' | 'cut' | 'truncated' | 'malformed' | { status: number; retryAfter?: string };

const replay = {
  /** Behaviours played once each, in order, per request key (`groups`, `products:604`, `prices:604`). */
  script: new Map<string, Behaviour[]>(),
  requests: [] as { key: string; headers: IncomingHttpHeaders }[],
  hanging: [] as ServerResponse[],
};

function respond(res: ServerResponse, behaviour: Behaviour, found: string | null): void {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  if (behaviour === 'hang') return void replay.hanging.push(res);
  if (typeof behaviour === 'object') {
    res.writeHead(behaviour.status, {
      ...json,
      ...(behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {}),
    });
    return void res.end(JSON.stringify({ success: false, errors: [`status ${behaviour.status}`], results: [] }));
  }
  // TCGCSV answers 404 with a JSON error for a group without content.
  if (found === null) {
    res.writeHead(404, json);
    return void res.end(NOT_FOUND_BODY);
  }
  if (behaviour === 'cut') {
    res.writeHead(200, { ...json, 'content-length': String(Buffer.byteLength(found)) });
    res.write(found.slice(0, 30));
    return void setImmediate(() => res.destroy());
  }
  res.writeHead(200, json);
  res.end(
    behaviour === 'truncated'
      ? found.slice(0, Math.floor(found.length / 2))
      : behaviour === 'malformed'
        ? found.replace('"results": [', '"results": [,').replace('"results":[', '"results":[,')
        : found,
  );
}

const server: Server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const m = /^\/tcgplayer\/3\/(\d+)\/(products|prices)$/.exec(path);
  let key: string;
  let found: string | null;
  if (path === '/tcgplayer/3/groups') {
    key = 'groups';
    found = envelope(GROUPS);
  } else if (m) {
    const group = Number(m[1]);
    key = `${m[2]}:${group}`;
    const products = PRODUCTS[group];
    found = m[2] === 'products' ? (products ? envelope(products) : null) : (PRICES[group] ?? null);
  } else {
    key = path;
    found = null;
  }
  replay.requests.push({ key, headers: req.headers });
  respond(res, replay.script.get(key)?.shift() ?? 'ok', found);
});

let baseUrl: string;
const waits: number[] = [];
const options = (extra: Partial<TcgcsvApiOptions> = {}): TcgcsvApiOptions => ({
  baseUrl,
  retries: 1,
  timeoutMs: 2000,
  requestsPerSecond: 1000,
  // Backoff and Retry-After waits are recorded, never slept.
  sleep: async (ms) => void waits.push(ms),
  ...extra,
});
const keys = () => replay.requests.map((r) => r.key);

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  replay.script.clear();
  replay.requests.length = 0;
  waits.length = 0;
});

describe('the date of TCGCSV prices', () => {
  it('is the UTC day of the latest ~20:00 UTC refresh', () => {
    expect(tcgcsvPriceDate(Date.parse('2025-10-21T02:00:00Z'))).toBe('2025-10-20');
    expect(tcgcsvPriceDate(Date.parse('2025-10-21T19:59:59Z'))).toBe('2025-10-20');
    expect(tcgcsvPriceDate(Date.parse('2025-10-21T20:00:00Z'))).toBe('2025-10-21');
    expect(tcgcsvPriceDate(Date.parse('2025-01-01T05:00:00Z'))).toBe('2024-12-31');
  });
});

describe.each(dialects)('TCGCSV API import on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let url: string;
    let ctx: IngestContext & { close(): Promise<void> };
    let dir: string;
    beforeAll(async () => {
      url = await d.create();
      ctx = await ingestContext(url, NOW);
      await seedCatalog(ctx);
      dir = mkdtempSync(join(tmpdir(), 'cardquant-tcgcsv-api-'));
      writeFileSync(join(dir, 'map.csv'), CROSSWALK_CSV);
    });
    afterAll(async () => {
      await ctx.close();
      await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });

    const runRow = (id: string) =>
      ctx.database.db.selectFrom('ingestion_runs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('reads products then prices per group; an empty group (404) is zero rows, not a failure', async () => {
      const run = await importTcgcsvPrices(ctx, options());
      // The sealed product is a priced item now; products no listing names are unmapped, a listed
      // card whose number the catalogue's set lacks is an unknown card.
      expect(run).toMatchObject({
        status: 'succeeded',
        failures: [],
        rows_read: 13,
        accepted: 7,
        updated: 0,
        unchanged: 0,
        rejected: 6,
      });
      expect(run.rejected_by_reason).toEqual({
        placeholder_listing: 1,
        unknown_card: 1,
        unmapped_product: 2,
        malformed_row: 1,
        unknown_finish: 1,
      });
      expect(keys()).toEqual([
        'groups',
        ...[604, 23237, 17688, 630, 2848].map((g) => `products:${g}`),
        ...[604, 23237, 17688, 630, 2848].map((g) => `prices:${g}`),
      ]);
      for (const r of replay.requests) expect(r.headers['user-agent']).toMatch(/^cardquant\//);
      const row = await runRow(run.id);
      // Fetched at 02:00 UTC: the prices are those of the previous day's refresh.
      expect(row).toMatchObject({ importer: 'tcgcsv', range_from: '2025-10-20', range_to: '2025-10-20' });
      expect(JSON.parse(row.checkpoint!)).toEqual({ date: '2025-10-20', doneGroups: [604, 23237, 17688, 630, 2848] });
      const payloads: string[] = [];
      for await (const p of ctx.runs.payloads(run.id)) payloads.push(p.name);
      expect(payloads).toEqual([
        '2025-10-20/604/prices',
        '2025-10-20/23237/prices',
        '2025-10-20/17688/prices',
        '2025-10-20/630/prices',
      ]);
      const stored = await ctx.database.db
        .selectFrom('prices')
        .innerJoin('printings', 'printings.key', 'prices.printing_key')
        .select(['printings.id', 'date', 'market_cents', 'low_cents', 'high_cents'])
        .orderBy('printings.id')
        .execute();
      expect(stored).toEqual([
        { id: 'base1-4.holofoil', date: '2025-10-20', market_cents: 35025, low_cents: 30000, high_cents: null },
        { id: 'base1-58.normal', date: '2025-10-20', market_cents: null, low_cents: 50, high_cents: null },
        {
          id: 'sealed-tcgplayer-136400.normal',
          date: '2025-10-20',
          market_cents: 11000,
          low_cents: 9000,
          high_cents: null,
        },
        { id: 'sv3pt5-25.reverse-holofoil', date: '2025-10-20', market_cents: 125, low_cents: 100, high_cents: 500 },
        {
          id: 'sv3pt5-25.reverse-holofoil.502002',
          date: '2025-10-20',
          market_cents: 375,
          low_cents: 300,
          high_cents: 800,
        },
        { id: 'swsh12pt5-160.holofoil', date: '2025-10-20', market_cents: 5240, low_cents: 4000, high_cents: 12000 },
        { id: 'swsh12pt5gg-GG01.holofoil', date: '2025-10-20', market_cents: 550, low_cents: 400, high_cents: 1500 },
      ]);
    });

    it('honours Retry-After on 429 and backs off after a 5xx, through the injected sleep', async () => {
      replay.script.set('products:23237', [{ status: 503 }]);
      replay.script.set('prices:604', [{ status: 429, retryAfter: '7' }]);
      const run = await importTcgcsvPrices(ctx, options({ date: '2025-10-19' }));
      expect(run).toMatchObject({ status: 'succeeded', rows_read: 13, accepted: 7, failures: [] });
      expect(keys().filter((k) => k === 'products:23237' || k === 'prices:604')).toEqual([
        'products:23237',
        'products:23237',
        'prices:604',
        'prices:604',
      ]);
      expect(waits).toHaveLength(2);
      expect(waits[0]).toBeGreaterThanOrEqual(400);
      expect(waits[0]).toBeLessThanOrEqual(600);
      expect(waits[1]).toBe(7000);
    });

    it('a timeout, a cut-off body, truncated or malformed JSON fail only their group (partial)', async () => {
      replay.script.set('products:604', ['truncated']);
      replay.script.set('prices:17688', ['hang', 'hang']);
      replay.script.set('prices:630', ['malformed']);
      replay.script.set('prices:2848', ['cut', 'cut']);
      const PRICES_2848 = PRICES[2848];
      PRICES[2848] = pricesBody([[1, 'Normal', 1, 1, 1, 1]]);
      try {
        const run = await importTcgcsvPrices(ctx, options({ date: '2025-10-18', timeoutMs: 100 }));
        expect(run.status).toBe('partial');
        expect(run.failures.map((f) => f.item)).toEqual(['group 604', 'group 17688', 'group 630', 'group 2848']);
        expect(run.failures[0]!.error).toMatch(/^products: invalid JSON/);
        expect(run.failures[1]!.error).toMatch(/^prices: timeout: TCGCSV did not answer within 100 ms/);
        expect(run.failures[2]!.error).toMatch(/^prices: invalid JSON/);
        expect(run.failures[3]!.error).toMatch(/^prices: network: .*body cut off/);
        // The group that worked is imported and checkpointed; the failed ones are not.
        expect(run).toMatchObject({ rows_read: 3, accepted: 2, rejected: 1 });
        expect(JSON.parse((await runRow(run.id)).checkpoint!)).toEqual({ date: '2025-10-18', doneGroups: [23237] });
        expect(keys()).not.toContain('prices:604');
        expect(waits).toHaveLength(2);
      } finally {
        if (PRICES_2848 === undefined) delete PRICES[2848];
        for (const res of replay.hanging.splice(0)) res.destroy();
      }
    });

    it('resumes: groups a previous run finished are not requested again', async () => {
      const run = await importTcgcsvPrices(
        ctx,
        options({ date: '2025-10-18', resume: { doneGroups: [23237] }, resumesRun: 'run_previous' }),
      );
      expect(run).toMatchObject({ status: 'succeeded', rows_read: 10, accepted: 5 });
      expect(keys().some((k) => k.endsWith(':23237'))).toBe(false);
      const row = await runRow(run.id);
      expect(row.resumes).toBe('run_previous');
      expect(JSON.parse(row.checkpoint!).doneGroups).toEqual([23237, 604, 17688, 630, 2848]);
    });

    it('with a cross-walk, a product of a card missing from the catalogue is rejected as such', async () => {
      const run = await importTcgcsvPrices(
        ctx,
        options({ date: '2025-10-17', groups: [604, 5], map: join(dir, 'map.csv') }),
      );
      expect(run.status).toBe('partial');
      expect(run.failures).toEqual([{ item: 'group 5', error: 'TCGCSV does not list group 5 in category 3' }]);
      expect(run).toMatchObject({ rows_read: 7, accepted: 3 });
      expect(run.rejected_by_reason).toMatchObject({ card_not_in_catalog: 1, unmapped_product: 1 });
      expect(keys()).toEqual(['groups', 'products:604', 'prices:604']);
    });

    it('fails the run when the group list cannot be had', async () => {
      replay.script.set('groups', [{ status: 500 }, { status: 500 }]);
      const run = await importTcgcsvPrices(ctx, options());
      expect(run).toMatchObject({ status: 'failed', rows_read: 0 });
      expect(run.error).toMatch(/TCGCSV group list: http: TCGCSV answered 500/);
      expect(waits).toHaveLength(1);
    });
  });
});
