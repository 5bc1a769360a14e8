import type { Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../../platform/clock.ts';
import type { Tables } from '../../platform/db/schema.ts';
import { lastDrill, latestBackup } from './backups.repo.ts';

/**
 * The backup gauges, set at each scrape from the registry tables (so every process reports the
 * same numbers). With no backup (or no drill) yet the series are absent, never a fake 0.
 */
export class BackupGauges {
  private readonly lastAge: Gauge;
  private readonly lastBytes: Gauge;
  private readonly drillDuration: Gauge;
  private readonly drillSuccess: Gauge;

  constructor(registry: Registry) {
    const gauge = (name: string, help: string) => new Gauge({ name, help, registers: [registry] });
    this.lastAge = gauge('cardquant_backup_last_age_seconds', 'Seconds since the newest succeeded backup was taken.');
    this.lastBytes = gauge('cardquant_backup_last_bytes', 'Size of the newest succeeded backup file, in bytes.');
    this.drillDuration = gauge(
      'cardquant_restore_drill_last_duration_seconds',
      'Recovery time measured by the last restore drill: fetch, decrypt, restore and verify.',
    );
    this.drillSuccess = gauge('cardquant_restore_drill_last_success', '1 when the last restore drill passed, else 0.');
  }

  async refresh(db: Kysely<Tables>, clock: Clock): Promise<void> {
    const [backup, drill] = await Promise.all([latestBackup(db), lastDrill(db)]);
    for (const g of [this.lastAge, this.lastBytes, this.drillDuration, this.drillSuccess]) g.reset();
    if (backup) {
      this.lastAge.set(Math.max(0, (clock.now() - Date.parse(backup.created_at)) / 1000));
      this.lastBytes.set(backup.bytes ?? 0);
    }
    if (drill) {
      this.drillDuration.set(drill.duration_ms / 1000);
      this.drillSuccess.set(drill.result === 'passed' ? 1 : 0);
    }
  }
}
