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
export function manualClock(start: string | number): Clock & { advance(ms: number): void; set(at: string | number): void } {
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
