/**
 * Per-destination circuit breaker (docs/WEBHOOKS.md, "Circuit breaker"), kept in the database so
 * every worker process sees the same state. `threshold` consecutive failed attempts to one
 * destination open its circuit for `openMs`; while open, sends are deferred (rescheduled without
 * spending an attempt). When the open time runs out exactly one attempt is let through (half-open):
 * its success closes the circuit, its failure opens it again.
 */
import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../clock.ts';
import type { Tables } from '../db/schema.ts';
import { closeCircuit, countFailure, findCircuit, openCircuit, takeTrial } from './circuit.repo.ts';

export type CircuitGate = { pass: true } | { pass: false; retryAfterMs: number };

/**
 * @example
 * const breaker = new CircuitBreaker(db, clock, { threshold: 5, openMs: 300_000 });
 * const gate = await breaker.gate('webhook:hooks.example.com');
 */
export class CircuitBreaker {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly options: { threshold: number; openMs: number },
  ) {}

  /** Whether an attempt to `destination` may go now; when not, how long until it may. */
  async gate(destination: string): Promise<CircuitGate> {
    const row = await findCircuit(this.db, destination);
    if (!row?.opened_until) return { pass: true };
    const now = this.clock.now();
    const until = Date.parse(row.opened_until);
    if (until > now) return { pass: false, retryAfterMs: until - now };
    // A hold (a receiver's rate limit) that ran out, on a destination that is not failing: no trial needed.
    if (Number(row.failures) < this.options.threshold) return { pass: true };
    // Half-open: one trial; the others wait as long as a new open period would last.
    const taken = await takeTrial(this.db, {
      destination,
      readUntil: row.opened_until,
      nextUntil: isoInstant(now + this.options.openMs),
      nowIso: isoInstant(now),
    });
    return taken ? { pass: true } : { pass: false, retryAfterMs: this.options.openMs };
  }

  /** Records how an attempt to `destination` went. */
  async record(destination: string, ok: boolean): Promise<void> {
    if (ok) {
      await closeCircuit(this.db, destination);
      return;
    }
    const now = this.clock.now();
    const failures = await countFailure(this.db, destination, isoInstant(now));
    if (failures >= this.options.threshold)
      await openCircuit(this.db, destination, isoInstant(now + this.options.openMs), isoInstant(now));
  }

  /** Holds `destination` closed to sends until `untilMs` (a receiver's own rate limit). */
  async holdUntil(destination: string, untilMs: number): Promise<void> {
    const now = this.clock.now();
    await openCircuit(this.db, destination, isoInstant(untilMs), isoInstant(now));
  }
}
