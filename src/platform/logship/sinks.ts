/**
 * The HTTP receivers a shipper sends batches to: the Grafana Loki push API or OTLP/HTTP logs
 * (JSON encoding); the S3 sink is in s3-sink.ts. Every sink resolves only on a 2xx.
 * Labels sent to Loki are a small bounded set (service, role, level), never a field of the line.
 */
import { hostname } from 'node:os';
import { PermanentSendError, type LogSink } from './shipper.ts';

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const SEVERITY_NUMBER: Record<string, number> = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

/** The `level` and `time` of a pino line without parsing all of it (they come first). */
export function lineFacts(text: string, fallbackMs: number): { level: string; timeMs: number } {
  const head = text.slice(0, 200);
  const level = /"level":"([a-z]+)"/.exec(head)?.[1];
  const time = /"time":"([^"]+)"/.exec(head)?.[1];
  const parsed = time ? Date.parse(time) : NaN;
  return {
    level: level && LEVELS.has(level) ? level : 'unknown',
    timeMs: Number.isFinite(parsed) ? parsed : fallbackMs,
  };
}

function nanos(ms: number): string {
  return `${Math.trunc(ms)}000000`;
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  // The body is read so the connection can be reused; its text helps the operator.
  const text = (await response.text()).slice(0, 200);
  if (response.ok) return;
  const { origin, pathname } = new URL(url);
  const message = `${origin}${pathname} answered ${response.status}${text ? `: ${text}` : ''}`;
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429)
    throw new PermanentSendError(message);
  throw new Error(message);
}

export interface HttpSinkOptions {
  url: string;
  /** Value of the `Authorization` header, when the receiver wants one. */
  authorization?: string;
  timeoutMs: number;
  service: string;
  now?: () => number;
}

/**
 * Loki push API (`POST /loki/api/v1/push`, JSON): one stream per (role, level).
 *
 * @example
 * const sink = lokiSink({ url: 'http://loki:3100/loki/api/v1/push', timeoutMs: 10_000, service: 'cardquant' });
 */
export function lokiSink(options: HttpSinkOptions): LogSink {
  const now = options.now ?? Date.now;
  const headers: Record<string, string> = options.authorization ? { authorization: options.authorization } : {};
  return {
    destination: 'loki',
    async send(lines) {
      const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
      for (const line of lines) {
        const { level, timeMs } = lineFacts(line.text, now());
        const key = `${line.role}\u0000${level}`;
        let stream = streams.get(key);
        if (!stream) {
          stream = { stream: { service: options.service, role: line.role, level }, values: [] };
          streams.set(key, stream);
        }
        stream.values.push([nanos(timeMs), line.text]);
      }
      await post(options.url, JSON.stringify({ streams: [...streams.values()] }), headers, options.timeoutMs);
    },
  };
}

function attribute(key: string, value: string | number) {
  return { key, value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value } };
}

/**
 * OTLP/HTTP logs, JSON encoding (`POST /v1/logs`): one resource (service, host, pid), one log
 * record per line with the line as its body.
 *
 * @example
 * const sink = otlpLogsSink({ url: 'http://collector:4318/v1/logs', timeoutMs: 10_000, service: 'cardquant' });
 */
export function otlpLogsSink(options: HttpSinkOptions): LogSink {
  const now = options.now ?? Date.now;
  const headers: Record<string, string> = options.authorization ? { authorization: options.authorization } : {};
  const resource = {
    attributes: [
      attribute('service.name', options.service),
      attribute('host.name', hostname()),
      attribute('process.pid', process.pid),
    ],
  };
  return {
    destination: 'otlp',
    async send(lines) {
      const observed = nanos(now());
      const logRecords = lines.map((line) => {
        const { level, timeMs } = lineFacts(line.text, now());
        return {
          timeUnixNano: nanos(timeMs),
          observedTimeUnixNano: observed,
          severityNumber: SEVERITY_NUMBER[level] ?? 0,
          severityText: level,
          body: { stringValue: line.text },
          attributes: [attribute('process.role', line.role)],
        };
      });
      const body = { resourceLogs: [{ resource, scopeLogs: [{ scope: { name: options.service }, logRecords }] }] };
      await post(options.url, JSON.stringify(body), headers, options.timeoutMs);
    },
  };
}
