import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig, DatabaseState, WriterRole } from '@idm/core';
import { AlarmsRepository } from './alarms.repository';
import { HOUR_MS, retentionCutoff } from './engine/audit-segments';

/**
 * Keeps the alarm audit trail readable by time and bounded (writer only): once, copies the per-event
 * documents written before time-keyed segments existed into segments (reads use the old scan until then);
 * every hour, deletes events older than ALARM_AUDIT_RETENTION_DAYS (FerretDB has no TTL indexes) and writes the
 * report views of the days that are over (engine/audit-days).
 */
@Injectable()
export class AlarmAuditMaintenance implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AlarmAudit');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly repo: AlarmsRepository,
    private readonly config: AppConfig,
    private readonly database: DatabaseState,
    private readonly role: WriterRole,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: a large legacy trail takes a while to copy, and start-up must not wait for it.
    this.running = this.database.ready.then(() => this.runOnce(), () => undefined);
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.runOnce());
    }, HOUR_MS);
    this.timer.unref();
    if (this.config.role === 'auto') this.role.onChange((e) => {
      if (e.is_writer) this.running = this.running.then(() => this.runOnce());
    });
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running.catch(() => undefined);
  }

  private get isWriter(): boolean {
    return this.config.role === 'all' || (this.config.role === 'auto' && this.role.isWriter);
  }

  /** Migration (until done), retention and day views; failures are logged and retried at the next run. */
  async runOnce(now = Date.now()): Promise<void> {
    if (!this.isWriter) return;
    try {
      const copied = await this.repo.migrateToSegments();
      if (copied) this.logger.log(`${copied} alarm events copied into time-keyed segments`);
      const deleted = await this.repo.deleteAuditBefore(retentionCutoff(now, this.config.alarms.auditRetentionDays));
      if (deleted) this.logger.log(`${deleted} alarm event documents older than ${this.config.alarms.auditRetentionDays} days deleted`);
      const views = await this.repo.writeDayViews(now, retentionCutoff(now, this.config.alarms.auditRetentionDays));
      if (views) this.logger.log(`report views of ${views} days of alarm events written`);
    } catch (err) {
      this.logger.warn(`alarm audit maintenance failed (retried in an hour): ${String(err)}`);
    }
  }
}
