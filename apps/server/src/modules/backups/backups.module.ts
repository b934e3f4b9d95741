import { mkdirSync } from 'node:fs';
import { z } from 'zod';
import { BACKUP_EVERY_MS, scheduledBackup } from '../../platform/backup-schedule.ts';
import { defineJob } from '../../platform/jobs/jobs.ts';
import { s3Store } from '../../platform/offsite.ts';
import type { KamengModule } from '../../platform/module.ts';

/**
 * Scheduled backups run by the workers into BACKUP_DIR: on SQLite a weekly full (Sunday) and daily incrementals,
 * on PostgreSQL a daily full, with retention that keeps what the kept archives need. Off when BACKUP_DIR is unset. It names no module's tables: the archive is the whole database.
 */
export const backupsModule: KamengModule = {
  name: 'backups',
  jobs: (deps) => [
    defineJob({
      type: 'backups.scheduled',
      payload: z.object({}).passthrough(),
      everyMs: BACKUP_EVERY_MS,
      maxAttempts: 3,
      leaseMs: 60 * 60 * 1000,
      async handler() {
        const { backupDir, backupKeepDaily, backupKeepWeekly, backupOffsite } = deps.config;
        if (!backupDir) return;
        mkdirSync(backupDir, { recursive: true });
        const r = await scheduledBackup(
          deps.config,
          backupDir,
          deps.clock.now(),
          {
            daily: backupKeepDaily,
            weekly: backupKeepWeekly,
          },
          backupOffsite ? s3Store(backupOffsite) : undefined,
        );
        if (r.fellBackToFull) {
          deps.log.warn(
            { reason: r.fellBackToFull, dir: backupDir },
            'scheduled backup: the chain did not rebuild, made a full',
          );
        }
        deps.log.info({ written: r.written, removed: r.removed, dir: backupDir }, 'scheduled backup');
      },
    }),
  ],
};
