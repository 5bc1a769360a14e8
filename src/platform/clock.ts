/** Time is a dependency: code that needs "now" takes a Clock so tests can freeze or move it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that only moves when told to.
 *
 * @example
 * const clock = manualClock('2026-01-01T00:00:00Z');
 * clock.advance(1000); // one second later
 */
export function manualClock(
  start: string | number,
): Clock & { advance(ms: number): void; set(at: string | number): void } {
  let t = typeof start === 'number' ? start : Date.parse(start);
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (at) => {
      t = typeof at === 'number' ? at : Date.parse(at);
    },
  };
}

/** ISO-8601 UTC instant with milliseconds, the one format instants are stored and sent in. */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

const DAY_MS = 86_400_000;
const epochDays = new Map<string, number>();

/**
 * A UTC calendar date as days since 1970-01-01 (memoised: hot loops convert the same dates often).
 *
 * @example
 * epochDay('1970-01-02'); // 1
 */
export function epochDay(date: string): number {
  let d = epochDays.get(date);
  if (d === undefined) {
    d = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
    if (epochDays.size > 50_000) epochDays.clear();
    epochDays.set(date, d);
  }
  return d;
}

/**
 * Days since 1970-01-01 as a UTC calendar date.
 *
 * @example
 * epochDate(1); // '1970-01-02'
 */
export function epochDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
