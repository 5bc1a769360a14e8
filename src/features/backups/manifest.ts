/**
 * A backup's manifest: what the backup holds, read from its own snapshot, and the file's size and
 * SHA-256. A restore is verified by reading the same numbers from the restored database.
 */
import type { TableSummary } from './backups.repo.ts';

export interface Manifest {
  format: 1;
  backup_id: string;
  dialect: 'sqlite' | 'postgres';
  created_at: string;
  /** The last schema migration applied in the snapshot. */
  migration: string | null;
  /** Per table: row count and checksum (SQLite: SHA-256 in primary-key order; PostgreSQL: sha256-sum60). */
  tables: TableSummary[];
  file: { name: string; bytes: number; sha256: string; encrypted: boolean; key_id: string | null };
}

/**
 * Differences between a manifest and a restored database, one sentence each.
 *
 * @example
 * compareManifest(manifest, { migration: manifest.migration, tables: manifest.tables }); // []
 */
export function compareManifest(
  manifest: Pick<Manifest, 'migration' | 'tables'>,
  restored: { migration: string | null; tables: TableSummary[] },
): string[] {
  const out: string[] = [];
  if (manifest.migration !== restored.migration)
    out.push(`migration: manifest ${manifest.migration}, restored ${restored.migration}`);
  const byName = new Map(restored.tables.map((t) => [t.table, t]));
  for (const expected of manifest.tables) {
    const got = byName.get(expected.table);
    if (!got) out.push(`${expected.table}: missing from the restored database`);
    else if (got.rows !== expected.rows) out.push(`${expected.table}: ${got.rows} rows, manifest ${expected.rows}`);
    else if (got.checksum !== expected.checksum) out.push(`${expected.table}: checksum differs from the manifest`);
    byName.delete(expected.table);
  }
  for (const extra of byName.keys()) out.push(`${extra}: not in the manifest`);
  return out;
}
