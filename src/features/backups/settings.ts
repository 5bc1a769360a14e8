import type { Config } from '../../config.ts';
import type { BackupSettings } from './backup.service.ts';

/** The backup settings of a configuration (BACKUP_*). */
export function backupSettings(config: Config): BackupSettings {
  return {
    dir: config.BACKUP_DIR,
    encrypt: config.BACKUP_ENCRYPT,
    keepLast: config.BACKUP_KEEP_LAST,
    retentionDays: config.BACKUP_RETENTION_DAYS,
    s3: config.BACKUP_S3_BUCKET
      ? {
          bucket: config.BACKUP_S3_BUCKET,
          prefix: config.BACKUP_S3_PREFIX,
          endpoint: config.BACKUP_S3_ENDPOINT,
          region: config.BACKUP_S3_REGION,
          forcePathStyle: config.BACKUP_S3_FORCE_PATH_STYLE,
        }
      : undefined,
  };
}
