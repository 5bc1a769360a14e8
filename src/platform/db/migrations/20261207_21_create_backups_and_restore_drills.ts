// Frozen once released: change the schema with a new migration file, never by editing this one.
import type { Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * The backup registry and the restore drills run against it (docs/OBSERVABILITY.md, "Backups and
 * restore drills"). A backup's manifest (per-table row counts and checksums from the backup's own
 * snapshot) is kept as JSON text, beside the file as `<file>.manifest.json` too, so a backup can
 * be restored and verified without this table.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('backups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    /** `sqlite` or `postgres`: what the file restores into. */
    .addColumn('dialect', 'text', (c) => c.notNull())
    /** `running`, `succeeded`, `failed`, or `deleted` (removed by retention). */
    .addColumn('status', 'text', (c) => c.notNull())
    /** The file's name in BACKUP_DIR and under BACKUP_S3_PREFIX. */
    .addColumn('file_name', 'text')
    /** JSON array of where copies are (`file:<path>`, `s3://<bucket>/<key>`). */
    .addColumn('locations', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('bytes', bigint)
    .addColumn('sha256', 'text')
    /** 1 when the file is sealed with the data key (AES-256-GCM). */
    .addColumn('encrypted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('manifest', 'text')
    .addColumn('duration_ms', 'integer')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('backups_by_created').on('backups').columns(['created_at']).execute();
  await db.schema
    .createTable('restore_drills')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('backup_id', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    /** `passed` or `failed`. */
    .addColumn('result', 'text', (c) => c.notNull())
    /** The recovery time: fetching, decrypting, restoring and checking the backup. */
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    /** JSON array of what did not match the manifest or the integrity checks. */
    .addColumn('mismatches', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('restore_drills_by_started').on('restore_drills').columns(['started_at']).execute();
}
