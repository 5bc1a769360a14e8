/**
 * Shipping to an S3-compatible bucket: one gzip NDJSON object per batch. Loaded only when
 * `LOG_SHIP_S3_BUCKET` is set (the AWS SDK is large).
 */
import { hostname } from 'node:os';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { LogSink, ShippedLine } from './shipper.ts';

export interface S3SinkOptions {
  bucket: string;
  /** Key prefix, e.g. `logs/` (a trailing slash is up to the operator). */
  prefix: string;
  region: string;
  /** S3-compatible endpoint (MinIO, R2, …); path-style addressing is used with one. */
  endpoint?: string;
  /** Explicit credentials (tests); unset: the AWS SDK's default chain (environment, profile, instance role). */
  credentials?: S3ClientConfig['credentials'];
  now?: () => number;
}

/**
 * An object per batch: `<prefix>YYYY/MM/DD/HH/<time>-<host>-<pid>-<seq>.ndjson.gz`, so keys sort
 * by time and two processes never write the same key.
 *
 * @example
 * const sink = s3Sink({ bucket: 'logs', prefix: 'cardquant/', region: 'us-east-1' });
 */
export function s3Sink(options: S3SinkOptions): LogSink & { client: S3Client } {
  const now = options.now ?? Date.now;
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: 1, // the shipper retries
  });
  const host = hostname().replace(/[^A-Za-z0-9._-]/g, '_');
  let seq = 0;
  // A retried batch keeps its key, so an upload that succeeded unseen is overwritten, not doubled.
  const keys = new WeakMap<readonly ShippedLine[], string>();
  const keyFor = (lines: readonly ShippedLine[]) => {
    let key = keys.get(lines);
    if (!key) {
      const at = new Date(now()).toISOString();
      const folder = `${at.slice(0, 4)}/${at.slice(5, 7)}/${at.slice(8, 10)}/${at.slice(11, 13)}`;
      const stamp = at.replace(/[-:]/g, '').replace('.', '');
      seq += 1;
      key = `${options.prefix}${folder}/${stamp}-${host}-${process.pid}-${String(seq).padStart(6, '0')}.ndjson.gz`;
      keys.set(lines, key);
    }
    return key;
  };
  return {
    destination: 's3',
    client,
    close: () => client.destroy(),
    async send(lines) {
      const key = keyFor(lines);
      const body = gzipSync(lines.map((l) => `${l.text}\n`).join(''));
      await client.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/x-ndjson',
          ContentEncoding: 'gzip',
        }),
      );
    },
  };
}
