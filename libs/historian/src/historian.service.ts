import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional, ServiceUnavailableException } from '@nestjs/common';
import type Redis from 'ioredis';
import * as path from 'node:path';
import { Counter, Gauge } from 'prom-client';
import type { IngestedSample } from '@idm/contracts';
import { AppConfig, HealthRegistry, MetricsService, REDIS_CLIENT, WriterRole } from '@idm/core';
import { IngestionService, SampleSink, SINK_STAGE } from '@idm/ingestion';
import type { Admission } from '@idm/ingestion';
import { BucketWriter, SnapshotEntry } from './engine/bucket-writer';
import type { StoredSample } from './engine/summary';
import { HistorianRepository, LatestPage } from './historian.repository';
import { Journal, JournalFullError } from './journal';
import { JournalHandover } from './journal-handover';

const PAGE_SIZE = 500;
/** How long `accept` waits for a journaled batch to be applied (visible to queries) before answering anyway. */
const APPLY_WAIT_MS = 2000;

interface QueuedRecord {
  seq: number;
  samples: StoredSample[];
  done?: () => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * The historian's storage sink (stage 20) and its single write loop. A batch is accepted once it is
 * fsync'd to the journal (durable even while the database is away); the apply loop feeds it to the
 * BucketWriter (in memory, visible to queries at once), and the flush loop writes closed buckets and
 * rollups to the database. The journal is trimmed only behind what is written and covered by a saved
 * snapshot, so after a crash the journal replays everything not yet in the database, in order.
 */
@Injectable()
export class HistorianService implements SampleSink, OnModuleInit, OnApplicationShutdown {
  readonly name = 'historian';
  readonly stage = SINK_STAGE.storage;
  /** Replaced (IDM_ROLE=auto) when this instance stops being the writer and hands its unwritten samples over. */
  private bucketWriter: BucketWriter;
  private readonly logger = new Logger('Historian');
  private readonly journal: Journal;
  private readonly queue: QueuedRecord[] = [];
  /** Samples in `queue` (journaled, not yet applied to the writer). */
  private queuedSamples = 0;
  /** Samples of REST batches admitted and still passing through the pipeline (see `admit`). */
  private admittedSamples = 0;
  private wake: (() => void) | null = null;
  /** Set by `drain(true)`: the apply loop closes every open period, then calls it. */
  private closeAllRequest: (() => void) | null = null;
  private lastIdleClose = 0;
  private stopped = false;
  private ready = false;
  private dbUp = true;
  private lastDbError = '';
  private replayTotal = 0;
  private replayLastSeq = 0;
  /** Samples of the replayed records not applied yet: until 0, the history misses what the last run accepted. */
  private replayPendingSamples = 0;
  private lastFlushOk = Date.now();
  private lastSnapshot = 0;
  /** Whether the latest values changed since the snapshot was saved (or loaded at start): an instance that
   * applies nothing (a screens-only one) never overwrites the writer's newer snapshot with what it loaded. */
  private snapshotDirty = false;
  private loops: Promise<void>[] = [];
  /** IDM_ROLE=auto: replayed samples a standby hands to the writer (see JournalHandover). */
  private readonly handover: JournalHandover | null;
  /** A shutdown cut short by SHUTDOWN_TIMEOUT_MS (process.exit) still leaves the journal flushed and closed. */
  private readonly closeJournalAtExit = () => this.journal.close();
  private readonly accepted: Counter;
  private readonly written: Counter;
  private readonly failures: Counter;

  constructor(
    private readonly config: AppConfig,
    private readonly repo: HistorianRepository,
    private readonly ingestion: IngestionService,
    private readonly health: HealthRegistry,
    metrics: MetricsService,
    @Optional() private readonly role?: WriterRole,
    @Optional() @Inject(REDIS_CLIENT) redis?: Redis,
  ) {
    this.bucketWriter = new BucketWriter(repo);
    this.handover = config.role === 'auto' && redis ? new JournalHandover(redis, config.databaseName) : null;
    // One journal per database: two IDM databases on one machine (or test suites) never replay each other's samples.
    const dbName = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(config.mongoUri)?.[1] || 'test';
    this.journal = new Journal(path.join(config.dataDir, 'journal', dbName.replace(/[^A-Za-z0-9_.-]/g, '_')), config.historian.journalMaxBytes);
    const registers = [metrics.registry];
    this.accepted = new Counter({ name: 'historian_samples_accepted_total', help: 'Samples made durable (journal fsync) by the historian', registers });
    this.written = new Counter({ name: 'historian_documents_written_total', help: 'Bucket, rollup and pack documents written to the database', registers });
    this.failures = new Counter({ name: 'historian_write_failures_total', help: 'Failed database writes (retried; samples stay in the journal)', registers });
    const gauge = (name: string, help: string, value: () => number) =>
      new Gauge({ name, help, registers, collect() { this.set(value()); } });
    gauge('historian_journal_bytes', 'Size of the store-and-forward journal on disk', () => this.journal.bytes);
    gauge('historian_journal_max_bytes', 'Bound of the journal (ingest is refused beyond it)', () => this.config.historian.journalMaxBytes);
    gauge('historian_journal_uncommitted_records', 'Journal records whose samples are not all in the database yet', () => this.uncommittedRecords());
    gauge('historian_write_lag_seconds', 'Age of the oldest document waiting to be written (0 when caught up)', () => this.writeLagSeconds());
    gauge('historian_replay_records', 'Journal records found at start-up (replayed after a crash or an outage)', () => this.replayTotal);
    gauge('historian_replay_pending_records', 'Replayed journal records not yet applied', () => this.queue.filter((r) => r.seq <= this.replayLastSeq).length);
    gauge('historian_database_up', '1 when the last database write succeeded', () => (this.dbUp ? 1 : 0));
    gauge('historian_backlog_samples', 'Samples accepted and held in memory until written (REST ingest answers 503 beyond historian_backlog_max_samples)', () => this.backlogSamples());
    gauge('historian_backlog_max_samples', 'Bound of the in-memory backlog (HISTORIAN_MAX_BACKLOG_SAMPLES)', () => this.config.historian.maxBacklogSamples);
    gauge('historian_sensors', 'Sensors known to the historian', () => this.writer.sensorCount);
  }

  onModuleInit(): void {
    if (this.config.role === 'screens') {
      // Screens only: no journal, no ingestion sink, no write loops; the latest values are followed so
      // history reads (which end at what the writer knows per sensor) are answered from the database.
      this.health.register('historian', async () =>
        this.dbUp ? { status: 'up' as const, role: 'screens' } : { status: 'degraded' as const, role: 'screens', message: 'database unreachable: latest values not refreshed' });
      this.loops = [this.followLatest()];
      return;
    }
    const replay = this.journal.open();
    this.replayTotal = replay.length;
    this.replayLastSeq = replay.length ? replay[replay.length - 1].seq : 0;
    this.replayPendingSamples = replay.reduce((n, r) => n + r.samples.length, 0);
    for (const r of replay) this.enqueue({ seq: r.seq, samples: r.samples });
    if (replay.length) this.logger.warn(`replaying ${replay.length} journal record(s) (${replay.reduce((n, r) => n + r.samples.length, 0)} samples) left by the previous run`);
    process.once('exit', this.closeJournalAtExit);
    this.ingestion.register(this);
    this.health.register('historian', async () => this.healthCheck());
    this.loops = [this.applyLoop(), this.flushLoop()];
    // IDM_ROLE=auto: every instance keeps its journal (a restarted writer replays whatever its role); a standby
    // takes no samples. Taking over, it reloads the latest values (and open hours) the old writer saved.
    this.role?.onChange((e) => {
      if (!e.is_writer) {
        void this.handOverUnwritten();
        return;
      }
      this.ready = false;
      this.wake?.();
    });
  }

  get writer(): BucketWriter {
    return this.bucketWriter;
  }

  /**
   * IDM_ROLE=auto, this instance stopped being the writer (frozen past its lease, cut off from Redis): it
   * writes no bucket from now on, since the new writer holds the same minutes. What it accepted and has not
   * written is all in its journal: that goes to the writer (JournalHandover), then this instance starts over
   * as a standby with the latest values the writer saves. Retried until Redis takes it; abandoned if this
   * instance is the writer again meanwhile (then it simply writes them itself).
   */
  private handingOver = false;
  private async handOverUnwritten(): Promise<void> {
    if (!this.handover || this.handingOver) return;
    this.handingOver = true;
    try {
      while (!this.stopped && this.standby) {
        const records = this.journal.readFrom(this.checkpoint());
        try {
          for (const r of records) await this.handover.push(r.samples);
        } catch (err) {
          this.logger.warn(`unwritten samples not handed to the writer yet (Redis): ${String(err)}`);
          await sleep(1000);
          continue;
        }
        if (!this.standby) return;
        const last = records.length ? records[records.length - 1].seq : 0;
        this.bucketWriter = new BucketWriter(this.repo);
        this.ready = false;
        this.journal.truncateBelow(last + 1);
        this.logger.warn(`no longer the writer: ${records.reduce((n, r) => n + r.samples.length, 0)} unwritten sample(s) handed to the writer`);
        return;
      }
    } finally {
      this.handingOver = false;
    }
  }

  /** A standby (IDM_ROLE=auto) neither saves latest values nor finishes hours: the writer does. */
  private get standby(): boolean {
    return this.config.role === 'auto' && !!this.role && !this.role.isWriter;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await Promise.all(this.loops);
    // A last write of what is ready; what is not stays in the journal for the next start.
    if (this.config.role === 'screens') return;
    // With the database away these would only wait for server selection: the journal keeps everything.
    if (this.ready && this.dbUp) await this.flushOnce().catch(() => undefined);
    if (this.ready && this.dbUp && !this.standby) await this.saveSnapshot().catch(() => undefined);
    this.journal.close();
    process.removeListener('exit', this.closeJournalAtExit);
  }

  /**
   * A screens-only instance follows the latest values the writer instance saves (every
   * HISTORIAN_SNAPSHOT_MS), so its sensor list and the end of its history reads keep up; nothing more.
   */
  private async followLatest(): Promise<void> {
    while (!this.stopped) {
      try {
        this.writer.restore((await this.repo.latestPages()).flatMap((p) => p.sensors));
        this.noteDbOk();
        if (!this.ready) this.logger.log(`historian (screens only, no journal): ${this.writer.sensorCount} sensor(s) known`);
        this.ready = true;
      } catch (err) {
        this.noteDbError(err);
      }
      await this.idle(this.ready && this.dbUp ? this.config.historian.snapshotMs : 1000);
    }
  }

  /** Waits `ms`, or less when woken (new samples, shutdown). */
  private async idle(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      setTimeout(resolve, ms).unref();
    });
    this.wake = null;
  }

  /** Makes a batch durable (journal fsync) and hands it to the writer; rejects with 503 when the journal is full. */
  async accept(batch: readonly IngestedSample[]): Promise<void> {
    return this.acceptStored(batch.map((x) => ({ sensor_id: x.sensor_id, t: x.timestamp, v: x.value, s: x.status ?? 'normal', q: x.quality })));
  }

  private async acceptStored(samples: StoredSample[]): Promise<void> {
    let seq: number;
    try {
      seq = await this.journal.append(samples);
    } catch (err) {
      if (err instanceof JournalFullError) throw new ServiceUnavailableException({ message: err.message });
      throw err;
    }
    this.accepted.inc(samples.length);
    const applied = new Promise<void>((resolve) => this.enqueue({ seq, samples, done: resolve }));
    this.wake?.();
    // Until the latest values have loaded (a start while the database is away) nothing is applied: waiting
    // would only slow polling and ingest down to one batch per APPLY_WAIT_MS. The journal has the batch.
    if (!this.ready) return;
    await Promise.race([applied, sleep(APPLY_WAIT_MS)]);
  }

  /** Waits until everything accepted is applied and written; `closeAll` also writes the open minutes/hours/days. */
  async drain(closeAll = false, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length && Date.now() < deadline) await sleep(20);
    if (closeAll) {
      const closed = new Promise<void>((resolve) => (this.closeAllRequest = resolve));
      this.wake?.();
      await Promise.race([closed, sleep(Math.max(0, deadline - Date.now()))]);
    }
    while ((this.writer.pendingCount || this.writer.inflightCount || this.queue.length) && Date.now() < deadline) await sleep(20);
    if (Date.now() >= deadline) throw new Error('historian did not drain in time');
  }

  /**
   * Backpressure for REST ingest, asked before a batch enters the pipeline (so detection never sees a batch
   * that storage then refuses): admits `n` samples while the in-memory backlog (accepted, not yet written)
   * stays within HISTORIAN_MAX_BACKLOG_SAMPLES, or answers how many seconds to wait. An admitted batch is
   * counted until `release` (after the pipeline), so concurrent requests cannot all slip under the bound.
   * Polled samples are not asked: a PLC cannot be told to retry, and their rate is bounded by the polling.
   */
  admit(n: number): Admission & ({ ok: true } | { backlog: number }) {
    const backlog = this.backlogSamples();
    // A batch larger than the whole bound is still admitted into an empty backlog, or it could never be.
    if (backlog > 0 && backlog + n > this.config.historian.maxBacklogSamples) {
      // Written at the measured pace the backlog clears in seconds; with the database away, later.
      const reason = `ingest backlog full: ${backlog} samples wait to be written (HISTORIAN_MAX_BACKLOG_SAMPLES=${this.config.historian.maxBacklogSamples})`;
      return { ok: false, retryAfterSeconds: this.dbUp ? 1 : 5, reason, backlog };
    }
    this.admittedSamples += n;
    return { ok: true };
  }

  release(n: number): void {
    this.admittedSamples -= n;
  }

  /** Samples accepted (or admitted) and held in memory until written to the database. */
  backlogSamples(): number {
    return this.queuedSamples + this.writer.unwrittenSamples + this.admittedSamples;
  }

  get isReady(): boolean {
    return this.ready;
  }

  get journalBytes(): number {
    return this.journal.bytes;
  }

  private enqueue(r: QueuedRecord): void {
    this.queue.push(r);
    this.queuedSamples += r.samples.length;
  }

  private async applyLoop(): Promise<void> {
    while (!this.stopped) {
      if (!this.ready) {
        try {
          await this.repo.init();
          const pages = await this.repo.latestPages();
          const standby = this.standby;
          this.writer.restore(pages.flatMap((p) => p.sensors).map((e) => (standby ? { ...e, open_hour: null, open_day: null } : e)));
          this.ready = true;
          this.noteDbOk();
          this.logger.log(`historian ready: ${this.writer.sensorCount} sensor(s) known, ${this.queue.length} journal record(s) to apply`);
        } catch (err) {
          this.noteDbError(err);
          await sleep(1000);
          continue;
        }
      }
      this.closePeriods();
      const r = this.queue[0];
      if (!r && this.writer.reopenPending) {
        try {
          await this.writer.reopenSome(50);
        } catch (err) {
          this.noteDbError(err);
          await sleep(1000);
        }
        continue;
      }
      if (!r) {
        await this.idle(this.config.historian.flushMs);
        continue;
      }
      if (this.handover && this.standby) {
        // A standby writes no buckets: its replayed samples go to the writer (kept here until pushed).
        try {
          await this.handover.push(r.samples);
        } catch (err) {
          this.logger.warn(`replayed samples not handed to the writer yet (Redis): ${String(err)}`);
          await sleep(1000);
          continue;
        }
        this.queue.shift();
        this.queuedSamples -= r.samples.length;
        if (r.seq <= this.replayLastSeq) this.replayPendingSamples -= r.samples.length;
        r.done?.();
        if (this.replayPendingSamples === 0) this.logger.log('journal replay handed to the writer');
        continue;
      }
      try {
        await this.writer.apply(r.samples, r.seq, Date.now());
        this.queue.shift();
        this.queuedSamples -= r.samples.length;
        if (r.seq <= this.replayLastSeq) this.replayPendingSamples -= r.samples.length;
        this.snapshotDirty = true;
        r.done?.();
      } catch (err) {
        // A read of stored buckets failed (database away): retry the same record; applying twice is harmless.
        this.noteDbError(err);
        await sleep(1000);
      }
    }
  }

  /**
   * Closes periods (idle sensors', or all when `drain(true)` asked) between two records, never while an
   * apply is awaiting a read: closing a sensor's minute, hour or day under an apply in progress (a record
   * of late samples can take longer than HISTORIAN_IDLE_CLOSE_MS) put a minute into its day's hour slots.
   */
  private closePeriods(): void {
    const request = this.closeAllRequest;
    if (request) {
      this.closeAllRequest = null;
      this.writer.closeAll();
      request();
    }
    const now = Date.now();
    if (now - this.lastIdleClose >= this.config.historian.flushMs) {
      this.writer.closeIdle(now, this.config.historian.idleCloseMs);
      this.lastIdleClose = now;
    }
  }

  private async flushLoop(): Promise<void> {
    while (!this.stopped) {
      await sleep(this.config.historian.flushMs);
      if (!this.ready) continue;
      try {
        if (this.standby) {
          // The writer writes the buckets; a standby's unwritten ones are handed over (handOverUnwritten).
          if (Date.now() - this.lastSnapshot >= this.config.historian.snapshotMs && !this.handingOver) await this.followWriter();
          continue;
        }
        await this.flushOnce();
        if (Date.now() - this.lastSnapshot >= this.config.historian.snapshotMs) await this.saveSnapshot();
        if (this.handover && !this.standby) await this.takeHandover();
      } catch (err) {
        this.noteDbError(err);
        this.failures.inc();
        await sleep(1000);
      }
    }
  }

  private async flushOnce(): Promise<void> {
    if (!this.writer.pendingCount) {
      // Nothing to write proves nothing: after a failure, only an answer from the database clears it.
      if (!this.dbUp) await this.repo.ping();
      this.noteDbOk();
      this.lastFlushOk = Date.now();
      return;
    }
    const w = this.writer.beginFlush();
    try {
      const n = await this.repo.write(w);
      this.writer.endFlush(true);
      this.written.inc(n);
      this.lastFlushOk = Date.now();
      this.noteDbOk();
    } catch (err) {
      this.writer.endFlush(false);
      throw err;
    }
  }

  /** The writer journals and applies samples a restarted standby handed over (see JournalHandover). */
  private async takeHandover(): Promise<void> {
    try {
      const n = await this.handover!.drain((samples) => this.acceptStored(samples));
      if (n) this.logger.log(`took ${n} replayed batch(es) handed over by a standby`);
    } catch (err) {
      this.logger.warn(`replayed samples of a standby not taken yet: ${String(err)}`);
    }
  }

  /**
   * A standby follows the latest values the writer saves (so its reads keep up, as on a screens-only instance),
   * without the open hours/days: only the writer finishes those. Its journal (a replay) is trimmed behind
   * what it has written.
   */
  private async followWriter(): Promise<void> {
    const checkpoint = this.checkpoint();
    if (!this.queue.length) this.writer.restore((await this.repo.latestPages()).flatMap((p) => p.sensors).map((e) => ({ ...e, open_hour: null, open_day: null })));
    this.lastSnapshot = Date.now();
    this.journal.truncateBelow(checkpoint);
  }

  /** Saves the latest values, then trims the journal behind everything written before the snapshot. */
  private async saveSnapshot(): Promise<void> {
    const checkpoint = this.checkpoint();
    if (this.snapshotDirty) {
      const entries = this.writer.snapshot().sort((a, b) => (a.sensor_id < b.sensor_id ? -1 : 1));
      const pages: LatestPage[] = [];
      for (let i = 0; i < entries.length; i += PAGE_SIZE) pages.push({ _id: `page-${String(i / PAGE_SIZE).padStart(5, '0')}`, sensors: entries.slice(i, i + PAGE_SIZE).map(cleanEntry) });
      this.snapshotDirty = false;
      try {
        await this.repo.saveLatestPages(pages);
      } catch (err) {
        this.snapshotDirty = true;
        throw err;
      }
    }
    this.lastSnapshot = Date.now();
    this.journal.truncateBelow(checkpoint);
  }

  private checkpoint(): number {
    return Math.min(this.writer.minPinnedSeq(), this.queue[0]?.seq ?? Infinity, this.journal.lastSeq + 1);
  }

  private uncommittedRecords(): number {
    return Math.max(0, this.journal.lastSeq + 1 - this.checkpoint());
  }

  private writeLagSeconds(): number {
    return this.writer.pendingCount || this.writer.inflightCount ? (Date.now() - this.lastFlushOk) / 1000 : 0;
  }

  private noteDbOk(): void {
    if (!this.dbUp) this.logger.log('database answers again: the journal backlog is being written');
    this.dbUp = true;
  }

  private noteDbError(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (this.dbUp || message !== this.lastDbError) this.logger.warn(`database write/read failed, samples stay in the journal: ${message}`);
    this.dbUp = false;
    this.lastDbError = message;
  }

  private healthCheck() {
    const extra = {
      journal_bytes: this.journal.bytes,
      journal_max_bytes: this.config.historian.journalMaxBytes,
      uncommitted_records: this.uncommittedRecords(),
      write_lag_s: Math.round(this.writeLagSeconds() * 10) / 10,
      replay_pending: this.queue.length,
      replay_pending_samples: this.replayPendingSamples,
      backlog_samples: this.backlogSamples(),
      backlog_max_samples: this.config.historian.maxBacklogSamples,
    };
    if (this.journal.full) return { status: 'degraded' as const, message: 'journal full: new samples are refused until the database is back', ...extra };
    if (!this.dbUp) return { status: 'degraded' as const, message: 'database unreachable: samples are kept in the local journal', ...extra };
    if (!this.ready) return { status: 'degraded' as const, message: 'starting: loading the latest values from the database (samples are kept in the local journal)', ...extra };
    // A killed database does not fail a write at once: the driver waits for server selection first.
    // Writes stalled well past the flush interval are already an outage for whoever reads the history.
    const stalledAfterS = Math.max(2, (8 * this.config.historian.flushMs) / 1000);
    if (extra.write_lag_s > stalledAfterS) return { status: 'degraded' as const, message: `database writes stalled for ${extra.write_lag_s} s: samples are kept in the local journal`, ...extra };
    // Queries miss what the previous run accepted until its journal is applied, however short it is.
    if (this.replayPendingSamples > 0) return { status: 'degraded' as const, message: `replaying journal: ${this.replayPendingSamples} samples left`, ...extra };
    if (this.queue.length > 100) return { status: 'degraded' as const, message: `applying a backlog of ${this.queue.length} journal records`, ...extra };
    return { status: 'up' as const, ...extra };
  }
}

function cleanEntry(e: SnapshotEntry): SnapshotEntry {
  return { sensor_id: e.sensor_id, known_last: Number.isFinite(e.known_last) ? e.known_last : 0, open_hour: e.open_hour ?? null, open_day: e.open_day ?? null, latest: e.latest ? { sensor_id: e.sensor_id, t: e.latest.t, v: e.latest.v, s: e.latest.s, q: e.latest.q } : null };
}
