import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../../config.ts';
import { print, type WithRuntime } from '../../platform/cli.ts';
import { resolveDataKeys } from '../../platform/data-key.ts';
import { systemClock } from '../../platform/clock.ts';
import { idFactory } from '../../platform/ids.ts';
import { BackupService } from './backup.service.ts';
import { backupSettings } from './settings.ts';

/** The part of the runtime the backup commands use. */
export interface BackupCliRuntime {
  backups: BackupService;
}

function printRestore(result: { backupId: string; mismatches: string[]; durationMs: number }): void {
  print(`restored ${result.backupId} in ${result.durationMs} ms`);
  for (const m of result.mismatches) print(`mismatch: ${m}`);
  if (result.mismatches.length > 0) {
    print(`${result.mismatches.length} check(s) failed: the restored database does not match the backup's manifest`);
    process.exitCode = 1;
  } else print('verified: row counts, checksums and schema version match the manifest');
}

export function registerBackupCommands(
  root: Command,
  { withRuntime, config }: { withRuntime: WithRuntime<BackupCliRuntime>; config: () => Config },
): void {
  root
    .command('backup')
    .description(
      'Back up the database (SQLite online backup / pg_dump -Fc) with a manifest from its own snapshot, to BACKUP_DIR and/or BACKUP_S3_BUCKET (sealed when BACKUP_ENCRYPT); then expire old backups.',
    )
    .action(() =>
      withRuntime(async ({ backups }) => {
        const row = await backups.backup();
        print(`backup ${row.id}\t${row.bytes} bytes\tsha256 ${row.sha256}\t${row.duration_ms} ms`);
        for (const location of JSON.parse(row.locations) as string[]) print(`  ${location}`);
        const expired = await backups.applyRetention();
        if (expired > 0) print(`expired ${expired} old backup(s)`);
      }),
    );
  root
    .command('restore')
    .argument('<backup>', '`latest`, a backup id (bak_…), or a backup file with its .manifest.json beside it')
    .requiredOption('--into <url>', 'an EMPTY database: sqlite:PATH or postgres://…')
    .description(
      'Restore a backup into an empty database and verify it against its manifest (SHA-256, rows, checksums).',
    )
    .action((ref: string, opts: { into: string }) => {
      // A backup file restores without the live database (which may be the thing lost).
      if (existsSync(ref)) {
        const cfg = config();
        const keys = resolveDataKeys({ ...cfg, DATABASE_URL: 'sqlite::memory:' });
        const service = new BackupService(
          {
            database: null,
            databaseUrl: cfg.DATABASE_URL,
            clock: systemClock,
            newId: idFactory(systemClock),
            box: keys.box,
            keyFromSetting: keys.source.kind === 'setting',
          },
          backupSettings(cfg),
        );
        return service
          .restore(ref, opts.into)
          .then(printRestore)
          .finally(() => service.close());
      }
      return withRuntime(async ({ backups }) => printRestore(await backups.restore(ref, opts.into)));
    });
  root
    .command('restore-drill')
    .description(
      'Restore the latest backup into scratch (a temporary SQLite file or PostgreSQL database), run integrity checks, compare with the manifest, and record the drill; exits 1 on failure.',
    )
    .action(() =>
      withRuntime(async ({ backups }) => {
        const drill = await backups.drill();
        print(`drill ${drill.id}\tbackup ${drill.backup_id ?? '-'}\t${drill.result}\t${drill.duration_ms} ms`);
        for (const m of JSON.parse(drill.mismatches) as string[]) print(`mismatch: ${m}`);
        if (drill.error) print(`error: ${drill.error}`);
        if (drill.result !== 'passed') process.exitCode = 1;
      }),
    );
}
