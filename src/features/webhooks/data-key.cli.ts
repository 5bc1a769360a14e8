import type { Command } from 'commander';
import { print, type WithRuntime } from '../../platform/cli.ts';
import type { Database } from '../../platform/db/database.ts';
import type { DataKeys } from '../../platform/data-key.ts';
import { reencrypt } from './reencrypt.ts';
import { sealedBackupKeys } from '../backups/backups.repo.ts';

/** The part of the runtime the data-key commands use. */
export interface DataKeyCliRuntime {
  database: Database;
  dataKeys: DataKeys;
}

export function registerDataKeyCommands(
  root: Command,
  { withRuntime }: { withRuntime: WithRuntime<DataKeyCliRuntime> },
): void {
  const dataKey = root.command('data-key').description('The data encryption key of values stored sealed at rest.');
  dataKey
    .command('reencrypt')
    .description(
      'Re-seal every sealed value (webhook URLs and secrets, e-mail link tokens, stored Idempotency-Key answers) with DATA_ENCRYPTION_KEY, opening with DATA_ENCRYPTION_KEY_PREVIOUS where needed, and count the sealed backups still needing an older key; safe to run again.',
    )
    .option('--batch <n>', 'values read per statement', '500')
    .action((opts: { batch: string }) =>
      withRuntime(async (runtime) => {
        const batchSize = Number(opts.batch);
        if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
          throw new Error('--batch must be an integer from 1 to 10000');
        const counts = await reencrypt(runtime.database.db, runtime.dataKeys.box, { batchSize });
        print(`current key ${runtime.dataKeys.box.keyId}`);
        for (const c of counts)
          print(`${c.target}\tresealed ${c.resealed}\talready current ${c.current}\tunreadable ${c.unreadable}`);
        // Backup files are not rewritten: each names its key, which must stay configured
        // (DATA_ENCRYPTION_KEY_PREVIOUS) until retention has removed the backups it sealed.
        const backups = await sealedBackupKeys(runtime.database.db);
        const older = [...backups].filter(([id]) => id !== runtime.dataKeys.box.keyId);
        print(
          `backups\tsealed with the current key ${backups.get(runtime.dataKeys.box.keyId) ?? 0}\tsealed with older keys ${older.reduce((n, [, c]) => n + c, 0)}${older.length ? ` (${older.map(([id]) => id).join(', ')}: keep DATA_ENCRYPTION_KEY_PREVIOUS until retention removes them)` : ''}`,
        );
        const unreadable = counts.reduce((n, c) => n + c.unreadable, 0);
        if (unreadable > 0) {
          print(
            `${unreadable} value(s) are sealed with a key that is not configured: keep the key that sealed them (DATA_ENCRYPTION_KEY_PREVIOUS) and run again`,
          );
          process.exitCode = 1;
        }
      }),
    );
}
