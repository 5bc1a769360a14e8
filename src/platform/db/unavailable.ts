/**
 * Tells "the database cannot be reached or cannot serve right now" apart from a bug: such errors
 * become 503 problems with Retry-After (the client should retry), not 500s.
 */

/** Network errors of the driver's socket. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01–57P03 (shutdown, crash, not
 * accepting connections), 3D000 (the database does not exist, e.g. dropped), 53300 (too many
 * connections), 28000/28P01 (the server refuses the configured credentials).
 */
const PG_CODES = /^(08[0-9A-Z]{3}|57P0[123]|3D000|53300|28000|28P01)$/;

/** SQLite: locked beyond the busy timeout, cannot open, disk I/O failure or full. */
const SQLITE_CODES = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL)(_|$)/;

/** pg's own errors for a connection that ended or could not be made in time (they carry no code). */
const PG_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * @example
 * isDatabaseUnavailable(Object.assign(new Error('database "x" does not exist'), { code: '3D000' })); // true
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_CODES.test(code) || SQLITE_CODES.test(code)))
    return true;
  if (PG_MESSAGES.test(err.message)) return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isDatabaseUnavailable(cause);
}
