/**
 * Time budgets of the suite, in one place. The suite must pass on a busy 2-core machine and stay
 * under 20 minutes there, so:
 *
 * - A wall-clock deadline only guards against a hang, unless the time is what the test measures.
 *   Starting a `cardquant` process (loading TypeScript through tsx) takes 1–3 s on an idle
 *   machine and over 10 s on a loaded one: waits for start-up and for short commands use
 *   `BUDGET.processStartMs` / `BUDGET.processRunMs`, never a tight number. What a test does
 *   measure (a shutdown within its grace, a latency against a baseline) it times from the event
 *   it is about (the signal sent, the request made), not from the process start.
 * - A start-up that misses its budget may be retried once with a logged warning
 *   (`startCliReady` in process.ts) where starting twice changes nothing.
 * - Heavy tests (crash trials, fuzzing, load) have a hard cap each: `BUDGET.heavyTestMs` as the
 *   test's timeout, and repeated trials go through `trials()`, which runs at least `min` trials
 *   and then stops adding trials once the budget is spent (each trial is logged with the count).
 * - `TEST_TIME_SCALE` (default 1) multiplies every budget, for a slower machine.
 *
 * vitest.config.ts takes its default test and hook timeouts from here.
 */

const scale = (() => {
  const raw = Number(process.env.TEST_TIME_SCALE ?? '1');
  return Number.isFinite(raw) && raw > 0 ? raw : 1;
})();

export const BUDGET = {
  scale,
  /** Default timeout of one test (vitest `testTimeout`). */
  testMs: Math.round(120_000 * scale),
  /** Default timeout of a hook (vitest `hookTimeout`): migrating a fresh PostgreSQL database on a loaded machine. */
  hookMs: Math.round(60_000 * scale),
  /** A `cardquant` process from spawn until it is ready (or a `--help` until it exits). */
  processStartMs: Math.round(45_000 * scale),
  /** A short `cardquant` command (migrate, keys …) from spawn until it exits. */
  processRunMs: Math.round(90_000 * scale),
  /** Hard cap of one heavy test (crash trials, fuzzing): its timeout. */
  heavyTestMs: Math.round(240_000 * scale),
  /** What `trials()` may spend before it stops adding trials beyond the minimum. */
  trialsMs: Math.round(120_000 * scale),
} as const;

/**
 * Runs `trial(i)` for i = 0, 1, … : at least `min` times, at most `max` times, and no new trial
 * beyond `min` once `budgetMs` has passed. Resolves to the number of trials run.
 *
 * @example
 * const ran = await trials({ min: 20, max: 60 }, async (i) => killAtRandomPoint(seed + i));
 */
export async function trials(
  options: { min: number; max: number; budgetMs?: number; label?: string; now?: () => number },
  trial: (i: number) => Promise<void>,
): Promise<number> {
  const budgetMs = options.budgetMs ?? BUDGET.trialsMs;
  const now = options.now ?? (() => performance.now());
  const started = now();
  let i = 0;
  for (; i < options.max; i++) {
    if (i >= options.min && now() - started >= budgetMs) break;
    await trial(i);
  }
  const spent = Math.round(now() - started);
  if (i < options.max)
    console.info(
      `${options.label ?? 'trials'}: ${i} of up to ${options.max} trials within the ${budgetMs} ms budget (${spent} ms)`,
    );
  return i;
}
