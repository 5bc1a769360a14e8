/**
 * Where backup files go: a local directory (BACKUP_DIR) and/or an S3-compatible bucket
 * (BACKUP_S3_*; credentials from the AWS SDK's standard chain). Each backup is two objects: the
 * file and `<file>.manifest.json`.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

export interface S3Settings {
  bucket: string;
  prefix: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Explicit credentials (tests); otherwise the SDK's standard chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface StorageSettings {
  dir?: string;
  s3?: S3Settings;
}

export class BackupStorage {
  private readonly client: S3Client | null;

  constructor(private readonly settings: StorageSettings) {
    const s3 = settings.s3;
    this.client = s3
      ? new S3Client({
          region: s3.region,
          endpoint: s3.endpoint,
          forcePathStyle: s3.forcePathStyle,
          credentials: s3.credentials,
          // Checksums only where S3 requires them: with the SDK's default (a CRC trailer in an
          // aws-chunked body) several S3-compatible servers store the chunk framing as the object.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        })
      : null;
  }

  get configured(): boolean {
    return Boolean(this.settings.dir || this.settings.s3);
  }

  private key(name: string): string {
    return `${this.settings.s3!.prefix}${name}`;
  }

  /** Copies a finished file (and its manifest) to every destination; answers their locations. */
  async put(localPath: string, name: string): Promise<string[]> {
    const locations: string[] = [];
    if (this.settings.dir) {
      await mkdir(this.settings.dir, { recursive: true, mode: 0o700 });
      const target = join(this.settings.dir, name);
      if (target !== localPath) await copyFile(localPath, target);
      locations.push(`file:${target}`);
    }
    if (this.client) {
      const s3 = this.settings.s3!;
      await this.client.send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: this.key(name),
          Body: createReadStream(localPath),
          ContentLength: (await stat(localPath)).size,
        }),
      );
      locations.push(`s3://${s3.bucket}/${this.key(name)}`);
    }
    return locations;
  }

  /** Fetches `name` to `target` from the first location that has it. */
  async get(locations: string[], target: string): Promise<string> {
    const errors: string[] = [];
    for (const location of locations) {
      try {
        if (location.startsWith('file:')) {
          await copyFile(location.slice('file:'.length), target);
          return location;
        }
        if (location.startsWith('s3://') && this.client) {
          const [bucket, ...key] = location.slice('s3://'.length).split('/');
          const answer = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key.join('/') }));
          await pipeline(answer.Body as Readable, createWriteStream(target, { flags: 'w', mode: 0o600 }));
          return location;
        }
      } catch (err) {
        errors.push(`${location}: ${(err as Error).message}`);
      }
    }
    throw new Error(`no copy of the backup could be fetched (${errors.join('; ') || 'no location configured'})`);
  }

  async remove(locations: string[]): Promise<void> {
    for (const location of locations) {
      if (location.startsWith('file:')) await rm(location.slice('file:'.length), { force: true });
      else if (location.startsWith('s3://') && this.client) {
        const [bucket, ...key] = location.slice('s3://'.length).split('/');
        await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key.join('/') }));
      }
    }
  }

  close(): void {
    this.client?.destroy();
  }
}
