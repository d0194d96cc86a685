import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { AppConfig, DatabaseState, mapLimited, WriterRole } from '@idm/core';
import { buildDayView, daysDueAView, type Bucket, type DayViewDoc } from './engine/day-view';
import { packId } from './engine/docs';
import { DAY, HOUR } from './engine/time';
import { HistorianRepository } from './historian.repository';
import { HistorianService } from './historian.service';

const PENDING = 'pending';

/**
 * Writes the report views of the days that are over (writer only: at start-up, then every hour): each
 * sensor's day pack copied into a few documents per day (`engine/day-view`). A view is written from the packs,
 * then checked against them again: if one changed meanwhile it is removed (with the repository removing the
 * view whenever it writes a pack of a day that is over, a view never lacks what a pack held when it is read).
 */
@Injectable()
export class RollupDayViews implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RollupDayViews');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly historian: HistorianService,
    private readonly repo: HistorianRepository,
    private readonly config: AppConfig,
    private readonly database: DatabaseState,
    @Optional() private readonly role?: WriterRole,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'screens') return;
    this.running = this.database.ready.then(() => this.firstRun(), () => undefined);
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.runOnce());
    }, HOUR);
    this.timer.unref();
    if (this.config.role === 'auto') this.role?.onChange((e) => {
      if (e.is_writer) this.running = this.running.then(() => this.runOnce());
    });
  }

  /**
   * Stops a probe in progress between two lookups (2 000 sensors over ten days are tens of thousands of them,
   * which kept a closing app for most of a minute): whatever it had not written is written at the next start.
   */
  async onModuleDestroy(): Promise<void> {
    const t0 = Date.now();
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running.catch(() => undefined);
    this.logger.log(`shutdown: report-view probe stopped in ${Date.now() - t0} ms (what it had not written is written at the next start)`);
  }

  /** Once the historian knows its sensors (a view written before would hold none of them). */
  private async firstRun(): Promise<void> {
    for (let i = 0; i < 600 && !this.stopped && !this.historian.isReady; i++) await new Promise((r) => setTimeout(r, 100));
    if (!this.stopped) await this.runOnce();
  }

  private get isWriter(): boolean {
    return this.config.role === 'all' || (this.config.role === 'auto' && !!this.role?.isWriter);
  }

  /** Writes the views due and missing; returns how many. Failures are logged and retried in an hour. */
  async runOnce(now = Date.now()): Promise<number> {
    if (!this.isWriter) return 0;
    try {
      // Never a view of a day whose packs retention deleted (HISTORIAN_ROLLUP_RETENTION_DAYS may be short).
      const cutoff = Math.max(now - this.config.historian.rollupRetentionDays * DAY, 0);
      const due = daysDueAView(now).filter((d) => d >= cutoff);
      await this.repo.deleteDayViewsBefore(Math.max(cutoff, due[due.length - 1] ?? cutoff));
      let written = 0;
      for (const day of due) if (!this.stopped && (await this.writeDay(day))) written += 1;
      if (written) this.logger.log(`report views of ${written} days of hourly rollups written`);
      return written;
    } catch (err) {
      this.logger.warn(`rollup day views failed (retried in an hour): ${String(err)}`);
      return 0;
    }
  }

  private async writeDay(day: number): Promise<boolean> {
    const sensors = [...this.historian.writer.allSensors()].map((s) => s.id).sort();
    // None, or written when fewer sensors were known (before the snapshot was loaded, or new sensors since).
    const size = await this.repo.dayViewSize(day);
    if (size !== null && size >= sensors.length) return false;
    if (size !== null) await this.repo.dropDayView(day);
    const first = await this.read(sensors, day);
    // A pack waiting to be written: next time (its write would remove the view anyway).
    if (!first) return false;
    const docs = buildDayView(day, first, sensors.length);
    await this.repo.writeDayView(docs);
    const again = await this.read(sensors, day);
    if (!again || !sameView(docs, buildDayView(day, again))) {
      await this.repo.dropDayView(day);
      return false;
    }
    return true;
  }

  /** Each sensor's stored day pack of `day` (sensors without one left out); null while one waits to be written or when the app is closing. */
  private async read(sensors: readonly string[], day: number): Promise<Array<[string, Bucket[]]> | null> {
    const packs = await mapLimited(sensors, 8, async (id): Promise<[string, Bucket[]] | null | typeof PENDING> => {
      // Closing: the rest of the lookups are skipped, and a view not checked against its packs is dropped (`writeDay`).
      if (this.stopped || this.historian.writer.unwritten('packs', packId(id, '1h', day))) return PENDING;
      const pack = await this.repo.pack(packId(id, '1h', day));
      return pack ? [id, pack.items] : null;
    });
    if (packs.includes(PENDING)) return null;
    return packs.filter((p): p is [string, Bucket[]] => p !== null && p !== PENDING);
  }
}

function sameView(a: readonly DayViewDoc[], b: readonly DayViewDoc[]): boolean {
  return a.length === b.length && a.every((d, i) => d.packs === b[i].packs && d.sensors.join('\n') === b[i].sensors.join('\n'));
}
