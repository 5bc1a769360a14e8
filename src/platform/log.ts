import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths that pino blanks out in every log line. Access logs only write allow-listed fields, so
 * this is the second line of defence for anything logged as an object.
 */
export const redactPaths = [
  'authorization',
  'cookie',
  'password',
  'secret',
  'token',
  'apiKey',
  'api_key',
  'key',
  'adminToken',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.key',
  '*.adminToken',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-portfolio-secret"]',
  '*.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-portfolio-secret"]',
  'headers["x-api-key"]',
];

/**
 * Creates the process logger: JSON lines, UTC timestamps, secrets redacted.
 *
 * @example
 * const log = createLogger('info'); log.info({ route: '/v1/cards' }, 'request');
 */
export function createLogger(
  level: string,
  destination?: DestinationStream,
  options: { redact?: boolean } = {},
): Logger {
  return pino(
    {
      level,
      base: { service: 'cardquant' },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...(options.redact === false ? {} : { redact: { paths: redactPaths, censor: '[redacted]' } }),
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/**
 * The per-request access log. Its lines carry allow-listed fields only (no headers, bodies, raw
 * paths or query strings), so it skips pino's redaction, which costs more than the rest of a
 * request's middleware together (measured in docs/BENCHMARKS.md).
 *
 * @example
 * const access = createAccessLogger('info'); access.info({ route: '/healthz', status: 200 }, 'request');
 */
export function createAccessLogger(level: string, destination?: DestinationStream): Logger {
  return createLogger(level, destination, { redact: false });
}
