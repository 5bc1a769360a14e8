import { monotonicFactory } from 'ulid';
import type { Clock } from './clock.ts';

/** Entity id prefixes: an id says what it names (`key_…`, `prn_…`). */
export type IdPrefix =
  | 'prn'
  | 'key'
  | 'aud'
  | 'run'
  | 'map'
  | 'pf'
  | 'bt'
  | 'anm'
  | 'fw'
  | 'lot'
  | 'sale'
  | 'ord'
  | 'alr'
  | 'alf'
  | 'dlv'
  | 'dla'
  | 'whe'
  | 'eev'
  | 'bak'
  | 'drl';

/**
 * Creates time-ordered ids (`prefix_` + ULID), so that id order is creation order and cursors
 * can page by id.
 *
 * @example
 * const newId = idFactory(systemClock);
 * newId('key'); // 'key_01JD…'
 */
export function idFactory(clock: Clock): (prefix: IdPrefix) => string {
  const next = monotonicFactory();
  return (prefix) => `${prefix}_${next(clock.now())}`;
}
