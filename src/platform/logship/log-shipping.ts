/**
 * Wires log shipping into a process: the logger's destination writes each line to stdout and
 * offers the same text (already redacted by pino, exactly as on stdout) to every configured
 * shipper; child processes' lines are offered under their own role. The shippers' own notices
 * go to stdout only, so a receiver that is down cannot make the shipper ship its complaints.
 */
import type { DestinationStream } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Config } from '../../config.ts';
import { createLogger } from '../log.ts';
import {
  LogShipper,
  systemTimers,
  type DropReason,
  type LogSink,
  type ShipperNotices,
  type Timers,
} from './shipper.ts';
import type { S3SinkOptions } from './s3-sink.ts';
import { lokiSink, otlpLogsSink } from './sinks.ts';

export interface LineOut {
  write(line: string): unknown;
}

export interface LogShipping {
  /** The destination to build loggers on: stdout, then the shippers. */
  readonly destination: DestinationStream;
  readonly shippers: readonly LogShipper[];
  /** Where a child process's JSON lines go (stdout and the shippers, under `role`). */
  childOut(role: string): LineOut;
  /** Counters and the buffer gauge, read from the shippers at each scrape. */
  registerMetrics(registry: Registry): void;
  /** Sends what is buffered within `graceMs` (all destinations at once); lines left unsent, by destination. */
  close(graceMs: number): Promise<Record<string, number>>;
}

export interface LogShippingOptions {
  /** Process role on the lines this process writes (start, serve, worker, pipeline…). */
  role: string;
  stdout?: LineOut;
  timers?: Timers;
  now?: () => number;
  /** Explicit S3 credentials (tests); unset: the AWS SDK's default chain. */
  s3Credentials?: S3SinkOptions['credentials'];
}

/**
 * The shippers the configuration asks for, or null when it asks for none.
 *
 * @example
 * const shipping = await logShippingFromConfig(config, { role: 'serve' });
 * const log = createLogger(config.LOG_LEVEL, shipping?.destination);
 */
export async function logShippingFromConfig(config: Config, options: LogShippingOptions): Promise<LogShipping | null> {
  const now = options.now ?? Date.now;
  const sinks: LogSink[] = [];
  if (config.LOG_SHIP_S3_BUCKET) {
    const { s3Sink } = await import('./s3-sink.ts');
    sinks.push(
      s3Sink({
        bucket: config.LOG_SHIP_S3_BUCKET,
        prefix: config.LOG_SHIP_S3_PREFIX,
        region: config.LOG_SHIP_S3_REGION,
        endpoint: config.LOG_SHIP_S3_ENDPOINT,
        credentials: options.s3Credentials,
        now,
      }),
    );
  }
  if (config.LOG_SHIP_HTTP_URL && config.LOG_SHIP_HTTP_FORMAT) {
    const http = {
      url: config.LOG_SHIP_HTTP_URL,
      authorization: config.LOG_SHIP_HTTP_AUTHORIZATION,
      timeoutMs: config.LOG_SHIP_TIMEOUT_MS,
      service: config.OTEL_SERVICE_NAME,
      now,
    };
    sinks.push(config.LOG_SHIP_HTTP_FORMAT === 'loki' ? lokiSink(http) : otlpLogsSink(http));
  }
  if (sinks.length === 0) return null;
  const stdout = options.stdout ?? process.stdout;
  const notices = stdoutNotices(config.LOG_LEVEL, stdout);
  const limits = {
    batchLines: config.LOG_SHIP_BATCH_LINES,
    batchBytes: config.LOG_SHIP_BATCH_BYTES,
    flushMs: config.LOG_SHIP_FLUSH_MS,
    bufferBytes: config.LOG_SHIP_BUFFER_BYTES,
    backoffInitialMs: Math.min(1000, config.LOG_SHIP_BACKOFF_MAX_MS),
    backoffMaxMs: config.LOG_SHIP_BACKOFF_MAX_MS,
  };
  const shippers = sinks.map((sink) => new LogShipper(sink, limits, options.timers ?? systemTimers, notices, now));
  return createLogShipping(shippers, options.role, stdout);
}

function stdoutNotices(level: string, stdout: LineOut): ShipperNotices {
  const log = createLogger(level, { write: (line: string) => void stdout.write(line) });
  // One notice per episode, not per attempt or per dropped batch: a long outage stays readable.
  const dropping = new Set<string>();
  return {
    failing: (destination, error) => log.warn({ destination, error }, 'log shipping failing; retrying with backoff'),
    recovered: (destination, failingMs) => {
      dropping.delete(destination);
      log.info({ destination, failingMs }, 'log shipping recovered');
    },
    dropped: (destination: string, reason: DropReason, lines: number) => {
      if (reason === 'buffer_full' && dropping.has(destination)) return;
      if (reason === 'buffer_full') dropping.add(destination);
      log.warn({ destination, reason, lines }, 'log lines dropped (see cardquant_log_ship_dropped_total)');
    },
  };
}

/**
 * @example
 * const shipping = createLogShipping([new LogShipper(sink, limits)], 'serve', process.stdout);
 */
export function createLogShipping(shippers: LogShipper[], role: string, stdout: LineOut): LogShipping {
  const offer = (line: string, lineRole: string) => {
    const text = line.endsWith('\n') ? line.slice(0, -1) : line;
    for (const shipper of shippers) shipper.offer({ text, role: lineRole });
  };
  return {
    shippers,
    destination: {
      write(line: string) {
        stdout.write(line);
        offer(line, role);
      },
    },
    childOut: (childRole) => ({
      write(line: string) {
        stdout.write(line);
        offer(line, childRole);
      },
    }),
    registerMetrics(registry) {
      new Counter({
        name: 'cardquant_log_ship_dropped_total',
        help: 'Log lines given up without reaching a destination, by destination and reason (buffer_full: the oldest batch made room during an outage; rejected: the receiver refused it with a 4xx).',
        labelNames: ['destination', 'reason'] as const,
        registers: [registry],
        collect() {
          this.reset();
          for (const s of shippers)
            for (const [reason, n] of Object.entries(s.counts.dropped))
              this.inc({ destination: s.destination, reason }, n);
        },
      });
      new Counter({
        name: 'cardquant_log_ship_shipped_lines_total',
        help: 'Log lines acknowledged (2xx) by a destination.',
        labelNames: ['destination'] as const,
        registers: [registry],
        collect() {
          this.reset();
          for (const s of shippers) this.inc({ destination: s.destination }, s.counts.shippedLines);
        },
      });
      new Counter({
        name: 'cardquant_log_ship_failed_attempts_total',
        help: 'Attempts to send a batch of log lines that failed (network error, timeout, non-2xx), by destination.',
        labelNames: ['destination'] as const,
        registers: [registry],
        collect() {
          this.reset();
          for (const s of shippers) this.inc({ destination: s.destination }, s.counts.failedAttempts);
        },
      });
      new Gauge({
        name: 'cardquant_log_ship_buffer_bytes',
        help: 'Bytes of log lines held for a destination, not yet acknowledged.',
        labelNames: ['destination'] as const,
        registers: [registry],
        collect() {
          for (const s of shippers) this.set({ destination: s.destination }, s.bufferedBytes);
        },
      });
    },
    async close(graceMs) {
      const results = await Promise.all(shippers.map((s) => s.close(graceMs)));
      return Object.fromEntries(shippers.map((s, i) => [s.destination, results[i]!.unsentLines]));
    },
  };
}
