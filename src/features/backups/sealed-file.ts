/**
 * Encrypted backup files: AES-256-GCM in chunks (bounded memory for any size), with a fresh
 * random file key sealed by the data key (SecretBox) in the header. The sealed key names the data
 * key that sealed it, so after a rotation `DATA_ENCRYPTION_KEY_PREVIOUS` still opens older backups.
 *
 * Layout: `CQBK1\n`, a JSON header line `{ backup_id, key_id, file_key, nonce_prefix, chunk_bytes }\n`,
 * then chunks `[u32 length][ciphertext][16-byte tag]`. Chunk i uses nonce `nonce_prefix ‖ u32 i`
 * and associated data `<backup id>:<i>:<0|1>` (1 on the last chunk), so chunks cannot be reordered,
 * moved to another backup, dropped from the end, or altered without `open` refusing the file.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { UnsealError, type SecretBox } from '../../platform/secret-box.ts';

const MAGIC = Buffer.from('CQBK1\n');
const TAG_BYTES = 16;
const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/** A backup file that cannot be opened: altered, truncated, or sealed with a key not configured. */
export class BackupIntegrityError extends Error {
  override name = 'BackupIntegrityError';
}

interface Header {
  backup_id: string;
  key_id: string;
  file_key: string;
  nonce_prefix: string;
  chunk_bytes: number;
}

function nonce(prefix: Buffer, index: number): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0, 0, 8);
  n.writeUInt32BE(index, 8);
  return n;
}

const aad = (backupId: string, index: number, last: boolean) => Buffer.from(`${backupId}:${index}:${last ? 1 : 0}`);

async function readExactly(handle: FileHandle, length: number, position: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buffer.subarray(0, done);
}

/** Whether a file starts like a sealed backup. */
export async function isSealed(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    return (await readExactly(handle, MAGIC.length, 0)).equals(MAGIC);
  } finally {
    await handle.close();
  }
}

/**
 * Encrypts `plainPath` into `sealedPath`.
 *
 * @example
 * await sealFile(box, 'bak_01…', 'backup.sqlite', 'backup.sqlite.enc');
 */
export async function sealFile(
  box: SecretBox,
  backupId: string,
  plainPath: string,
  sealedPath: string,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Promise<void> {
  const fileKey = randomBytes(32);
  const prefix = randomBytes(8);
  const header: Header = {
    backup_id: backupId,
    key_id: box.keyId,
    file_key: box.seal(fileKey.toString('base64'), `backup:${backupId}`),
    nonce_prefix: prefix.toString('hex'),
    chunk_bytes: chunkBytes,
  };
  const input = await open(plainPath, 'r');
  const output = await open(sealedPath, 'wx', 0o600);
  try {
    const size = (await input.stat()).size;
    await output.write(Buffer.concat([MAGIC, Buffer.from(`${JSON.stringify(header)}\n`)]));
    const chunks = Math.max(1, Math.ceil(size / chunkBytes));
    for (let i = 0; i < chunks; i++) {
      const plain = await readExactly(input, Math.min(chunkBytes, size - i * chunkBytes), i * chunkBytes);
      const cipher = createCipheriv('aes-256-gcm', fileKey, nonce(prefix, i), { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(backupId, i, i === chunks - 1));
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(body.length);
      await output.write(Buffer.concat([length, body, cipher.getAuthTag()]));
    }
    await output.sync();
  } finally {
    await input.close();
    await output.close();
  }
}

/** Decrypts a sealed backup into `plainPath`; a BackupIntegrityError says why it cannot. */
export async function openFile(box: SecretBox, sealedPath: string, plainPath: string): Promise<{ keyId: string }> {
  const input = await open(sealedPath, 'r');
  const output = await open(plainPath, 'wx', 0o600);
  try {
    const start = await readExactly(input, 64 * 1024, 0);
    if (!start.subarray(0, MAGIC.length).equals(MAGIC))
      throw new BackupIntegrityError('the file is not an encrypted cardquant backup');
    const end = start.indexOf(0x0a, MAGIC.length);
    if (end < 0) throw new BackupIntegrityError('the encrypted backup has a damaged header');
    let header: Header;
    try {
      header = JSON.parse(start.subarray(MAGIC.length, end).toString('utf8')) as Header;
    } catch {
      throw new BackupIntegrityError('the encrypted backup has a damaged header');
    }
    let fileKey: Buffer;
    try {
      fileKey = Buffer.from(box.open(header.file_key, `backup:${header.backup_id}`), 'base64');
    } catch (err) {
      if (err instanceof UnsealError && err.reason === 'unknown_key')
        throw new BackupIntegrityError(
          `the backup is sealed with data key ${header.key_id}, which is not configured (set it as DATA_ENCRYPTION_KEY_PREVIOUS)`,
        );
      throw new BackupIntegrityError('the encrypted backup has a damaged or altered header');
    }
    const size = (await input.stat()).size;
    let position = end + 1;
    const prefix = Buffer.from(header.nonce_prefix, 'hex');
    for (let i = 0; ; i++) {
      const lengthBytes = await readExactly(input, 4, position);
      if (lengthBytes.length < 4) throw new BackupIntegrityError('the encrypted backup is truncated');
      const length = lengthBytes.readUInt32BE(0);
      if (length > header.chunk_bytes) throw new BackupIntegrityError(`chunk ${i} of the encrypted backup is damaged`);
      const body = await readExactly(input, length + TAG_BYTES, position + 4);
      if (body.length < length + TAG_BYTES) throw new BackupIntegrityError('the encrypted backup is truncated');
      position += 4 + length + TAG_BYTES;
      const last = position === size;
      const decipher = createDecipheriv('aes-256-gcm', fileKey, nonce(prefix, i), { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(header.backup_id, i, last));
      decipher.setAuthTag(body.subarray(length));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(body.subarray(0, length)), decipher.final()]);
      } catch {
        throw new BackupIntegrityError(
          `chunk ${i} of the encrypted backup fails authentication: the file was altered or truncated`,
        );
      }
      await output.write(plain);
      if (last) break;
    }
    await output.sync();
    return { keyId: header.key_id };
  } finally {
    await input.close();
    await output.close();
  }
}
