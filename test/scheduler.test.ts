/**
 * Scheduled jobs run once per slot however many processes fire for it. Three Scheduler instances
 * on three separate connections to the same database stand in for three processes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isoInstant, manualClock } from '../src/platform/clock.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrator.ts';
import { createLogger } from '../src/platform/log.ts';
import { Scheduler, type Job } from '../src/platform/scheduler.ts';
import { BUDGET } from './budget.ts';
import { bundleScript, type BundledScript } from './bundle.ts';
import { dialects, label } from './dialects.ts';

const START = '2026-11-25T12:00:00.000Z';
/** The scheduler process, bundled once from the current sources: its children start without tsx. */
let scheduler: BundledScript | undefined;
beforeAll(async () => {
  scheduler = await bundleScript(new URL('./fixtures/scheduler-process.ts', import.meta.url).pathname);
});
afterAll(() => scheduler?.dispose());

describe.each(dialects)('scheduler on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    let dir: string;
    let url: string;
    let connections: Database[] = [];
    let clock: ReturnType<typeof manualClock>;
    let schedulers: Scheduler[] = [];

    /** Three "processes", each with its own connection and instance name, sharing `jobs`. */
    function processes(jobs: Job[]): Scheduler[] {
      const log = createLogger('silent');
      schedulers = connections.map((c, i) => new Scheduler(c.db, clock, log, `process-${i + 1}`, jobs));
      return schedulers;
    }

    const runsOf = (job: string) =>
      connections[0]!.db.selectFrom('scheduled_runs').selectAll().where('job', '=', job).orderBy('slot').execute();

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cq-scheduler-'));
      url = d.name === 'sqlite' ? `sqlite:${join(dir, 'db.sqlite')}` : await d.create();
      clock = manualClock(START);
      schedulers = [];
      const first = openDatabase(url);
      await migrate(first, () => isoInstant(clock.now()));
      connections = [first, openDatabase(url), openDatabase(url)];
    });

    afterEach(async () => {
      await Promise.all(schedulers.map((s) => s.stop()));
      await Promise.all(connections.map((c) => c.close()));
      if (d.name === 'postgres') await d.drop(url);
      rmSync(dir, { recursive: true, force: true });
    });

    it('three OS processes firing for the same N slots make exactly N runs', async () => {
      const N = 12;
      const run = promisify(execFile);
      const outputs = await Promise.all(
        ['p1', 'p2', 'p3'].map((name) =>
          run(process.execPath, [scheduler!.path, url, String(N), name], { timeout: BUDGET.processRunMs }),
        ),
      );
      const ranPerProcess = outputs.map((o) => Number(/ran (\d+)/.exec(o.stdout)?.[1]));
      expect(ranPerProcess.reduce((a, b) => a + b, 0)).toBe(N);
      expect(await runsOf('multi.process')).toHaveLength(N);
      const effects = await connections[0]!.db
        .selectFrom('audit_log')
        .select('actor')
        .where('action', '=', 'job.ran')
        .execute();
      expect(effects).toHaveLength(N);
    });

    it('three processes firing for the same slot run the job exactly once', async () => {
      let runs = 0;
      const job: Job = {
        name: 'test.once',
        cron: '* * * * *',
        description: 'counts its runs',
        run: async () => void runs++,
      };
      const slot = isoInstant(clock.now());

      const outcomes = await Promise.all(processes([job]).map((s) => s.runSlot(job, slot)));
      expect([...outcomes].sort()).toEqual(['ran', 'taken', 'taken']);
      expect(runs).toBe(1);

      const rows = await runsOf(job.name);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        slot,
        status: 'succeeded',
        error: null,
        instance: `process-${outcomes.indexOf('ran') + 1}`,
        finished_at: START,
      });

      // A late process for the same slot finds it claimed too.
      expect(await schedulers[0]!.runSlot(job, slot)).toBe('taken');
      expect(runs).toBe(1);
    });

    it('N different slots make N runs, each claimed once', async () => {
      const slots: string[] = [];
      const ranFor: string[] = [];
      const job: Job = {
        name: 'test.slots',
        cron: '* * * * *',
        description: 'records its slots',
        run: async () => void ranFor.push(slots.at(-1)!),
      };
      const all = processes([job]);

      for (let i = 0; i < 5; i++) {
        const slot = isoInstant(clock.now());
        slots.push(slot);
        const outcomes = await Promise.all(all.map((s) => s.runSlot(job, slot)));
        expect([...outcomes].sort()).toEqual(['ran', 'taken', 'taken']);
        clock.advance(60_000);
      }

      expect(ranFor).toEqual(slots);
      const rows = await runsOf(job.name);
      expect(rows.map((r) => [r.slot, r.status])).toEqual(slots.map((s) => [s, 'succeeded']));
    });

    it('a failing job is recorded as failed with its error, and its slot is not run again', async () => {
      let attempts = 0;
      const job: Job = {
        name: 'test.failing',
        cron: '* * * * *',
        description: 'always fails',
        run: async () => {
          attempts++;
          clock.advance(1500);
          throw new Error('upstream price feed unavailable');
        },
      };
      const slot = isoInstant(clock.now());

      const outcomes = await Promise.all(processes([job]).map((s) => s.runSlot(job, slot)));
      expect([...outcomes].sort()).toEqual(['failed', 'taken', 'taken']);
      expect(attempts).toBe(1);

      const [row] = await runsOf(job.name);
      expect(row).toMatchObject({
        slot,
        status: 'failed',
        error: 'upstream price feed unavailable',
        started_at: START,
        finished_at: isoInstant(Date.parse(START) + 1500),
      });
      expect(await schedulers[1]!.runSlot(job, slot)).toBe('taken');
      expect(attempts).toBe(1);
    });
  });
});
