/**
 * Opening CSV files the operator gives an import: as they are, or gunzipped while they are read
 * when they start with gzip's magic bytes. Other compressed files (zip, 7z, bzip2, xz, zstd) are
 * refused with a message that says they are compressed, instead of being parsed as garbage text.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const GZIP_MAGIC = [0x1f, 0x8b];
/** Compressions a CSV file may arrive in that are refused (by their magic bytes) rather than parsed as text. */
const REFUSED_COMPRESSIONS: { name: string; magic: number[] }[] = [
  { name: 'zip', magic: [0x50, 0x4b, 0x03, 0x04] },
  { name: '7z', magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68] },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd] },
];

/**
 * Opens a CSV file as a byte stream: as it is, or gunzipped while it is read when it starts
 * with gzip's magic bytes. Other compressed files are refused with a message that says so.
 *
 * @example
 * const { stream, compression } = await openCsv('history.csv.gz'); // compression: 'gzip'
 */
export async function openCsv(path: string): Promise<{ stream: Readable; compression: 'gzip' | null }> {
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(8), 0, 8, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const starts = (magic: number[]) => magic.every((b, i) => head[i] === b);
  const refused = REFUSED_COMPRESSIONS.find((c) => starts(c.magic));
  if (refused) {
    throw new Error(
      `${basename(path)} is ${refused.name}-compressed, not a CSV text file: decompress it first (gzip-compressed CSV files are read as they are)`,
    );
  }
  if (!starts(GZIP_MAGIC)) return { stream: createReadStream(path), compression: null };
  const gunzip = createGunzip();
  const file = createReadStream(path);
  file.on('error', (err) => gunzip.destroy(err));
  return { stream: file.pipe(gunzip), compression: 'gzip' };
}

/**
 * The whole (decompressed) content of a small CSV file, for imports that keep it as one payload.
 *
 * @example
 * const body = await readCsvFile('svi.csv.gz');
 */
export async function readCsvFile(path: string): Promise<Buffer> {
  const { stream } = await openCsv(path);
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}
