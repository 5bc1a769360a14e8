/**
 * The only reader of the environment. Every setting is declared here once, with its default and
 * meaning; the README's configuration table is generated from `settingDocs` (see `npm run docs:config`).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A bootstrap admin token must be long enough that guessing is hopeless. */
const adminToken = z.string().min(32, 'must be at least 32 characters');

const databaseUrl = z
  .string()
  .refine((v) => /^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(v), {
    message: 'must start with sqlite: (e.g. sqlite:./data/cardquant.db) or postgres://',
  });

const csvList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const configSchema = z
  .object({
    DATABASE_URL: databaseUrl.default('sqlite:./data/cardquant.db'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: int(0, 65535).default(8787),
    PUBLIC_URL: z.url().optional(),
    ADMIN_TOKEN: adminToken.optional(),
    ADMIN_TOKEN_NEXT: adminToken.optional(),
    LOG_LEVEL: logLevel.default('info'),
    CORS_ORIGINS: csvList.default([]),
    TRUST_PROXY: bool.default(false),
    METRICS_PUBLIC: bool.default(false),
    BODY_LIMIT_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
    RATE_LIMIT_WINDOW_SECONDS: int(1, 3600).default(60),
    RATE_LIMIT_ANONYMOUS: int(1, 10_000_000).default(600),
    RATE_LIMIT_AUTHENTICATED: int(1, 10_000_000).default(6000),
    IDEMPOTENCY_TTL_HOURS: int(1, 24 * 30).default(24),
    SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
    SQLITE_BUSY_TIMEOUT_MS: int(0, 600_000).default(5000),
    PG_POOL_MAX: int(1, 1000).default(10),
    KEY_USAGE_FLUSH_MS: int(100, 3_600_000).default(10_000),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

/** One line of documentation per setting; the README table and `.env.example` follow it. */
export const settingDocs: Record<keyof Config, string> = {
  DATABASE_URL: 'Where data lives: `sqlite:PATH` (file, WAL mode) or `postgres://user@host:port/db`.',
  HOST: 'Interface the HTTP server binds to.',
  PORT: 'TCP port of the HTTP server (0 picks a free port).',
  PUBLIC_URL: 'External base URL; when it is https, responses carry HSTS.',
  ADMIN_TOKEN: 'Bootstrap admin bearer token (≥ 32 chars). Unset: `start` creates a one-time admin key and prints it once.',
  ADMIN_TOKEN_NEXT: 'Second accepted admin token, for rotation without downtime.',
  LOG_LEVEL: 'pino level: fatal, error, warn, info, debug, trace, silent.',
  CORS_ORIGINS: 'Comma-separated origins allowed by CORS (empty: no cross-origin access).',
  TRUST_PROXY: 'Take the client IP from `X-Forwarded-For` (only behind a trusted proxy).',
  METRICS_PUBLIC: 'Serve `/metrics` without authentication (otherwise the viewer role is needed).',
  BODY_LIMIT_BYTES: 'Largest accepted request body; larger bodies get 413.',
  RATE_LIMIT_WINDOW_SECONDS: 'Length of the rate-limit window.',
  RATE_LIMIT_ANONYMOUS: 'Requests per window per client IP for unauthenticated callers.',
  RATE_LIMIT_AUTHENTICATED: 'Requests per window per identity (API key, admin token, portfolio).',
  IDEMPOTENCY_TTL_HOURS: 'How long an `Idempotency-Key` and its stored response are kept.',
  SHUTDOWN_GRACE_MS: 'On SIGTERM/SIGINT, how long in-flight requests may take before connections are cut.',
  SQLITE_BUSY_TIMEOUT_MS: 'How long SQLite waits for a lock held by another connection or process.',
  PG_POOL_MAX: 'Largest PostgreSQL connection pool per process.',
  KEY_USAGE_FLUSH_MS: 'How often batched API-key `last_used_at` updates are written.',
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Source = Record<string, string | undefined>;

/**
 * Parses settings from the environment, overlaid on an optional JSON config file
 * (`CARDQUANT_CONFIG=path`). Empty strings count as unset. All problems are reported together.
 *
 * @example
 * const config = loadConfig({ PORT: '9000' }); // config.PORT === 9000
 */
export function loadConfig(env: Source = process.env): Config {
  const problems: string[] = [];
  const merged: Source = {};
  const filePath = env.CARDQUANT_CONFIG;
  if (filePath) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(filePath, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        problems.push(`CARDQUANT_CONFIG: ${filePath} must hold a JSON object`);
      } else {
        for (const [k, v] of Object.entries(parsed)) {
          merged[k] = Array.isArray(v) ? v.join(',') : String(v);
        }
      }
    } catch (err) {
      problems.push(`CARDQUANT_CONFIG: cannot read ${filePath} (${(err as Error).message.split('\n')[0]})`);
    }
  }
  const known = Object.keys(configSchema.shape);
  for (const key of known) {
    const v = env[key];
    if (v !== undefined && v !== '') merged[key] = v;
  }
  for (const key of Object.keys(merged)) if (merged[key] === '') delete merged[key];

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        problems.push(`config file: unknown setting(s) ${issue.keys.join(', ')}`);
      } else {
        // Never echo the offending value: it may be a secret.
        problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
      }
    }
  }
  if (result.success && result.data.ADMIN_TOKEN_NEXT && !result.data.ADMIN_TOKEN) {
    problems.push('ADMIN_TOKEN_NEXT: set ADMIN_TOKEN too (NEXT is only the rotation partner)');
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

/** True when the test suite runs under CI (PostgreSQL tests must not skip there). */
export function isCi(env: Source = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}
