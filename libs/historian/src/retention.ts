import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { Inject } from '@nestjs/common';
import { AppConfig, REDIS_OPTIONS } from '@idm/core';
import { DAY } from './engine/time';
import { HistorianRepository, PACKS_COLLECTION, RAW_COLLECTION, ROLLUPS_COLLECTION } from './historian.repository';

export const RETENTION_QUEUE = 'historian-retention';
export const RETENTION_JOB = 'retention';
const RETENTION_SCHEDULER = 'historian-retention-every';
/** Documents deleted per batch and batches per run: a run never holds the database for long. */
const BATCH = 1000;
const MAX_BATCHES = 200;

export interface RetentionResult {
  raw_deleted: number;
  rollups_deleted: number;
  packs_deleted: number;
}

/** Deletes raw buckets older than HISTORIAN_RAW_RETENTION_DAYS and rollups older than HISTORIAN_ROLLUP_RETENTION_DAYS. */
@Injectable()
export class RetentionRunner {
  constructor(
    private readonly repo: HistorianRepository,
    private readonly config: AppConfig,
  ) {}

  async run(now = Date.now()): Promise<RetentionResult> {
    const rawCutoff = new Date(now - this.config.historian.rawRetentionDays * DAY);
    const rollupCutoff = new Date(now - this.config.historian.rollupRetentionDays * DAY);
    const sweep = async (collection: string, cutoff: Date) => {
      let total = 0;
      for (let i = 0; i < MAX_BATCHES; i++) {
        const n = await this.repo.deleteOlderThan(collection, cutoff, BATCH);
        total += n;
        if (n < BATCH) break;
      }
      return total;
    };
    // A pack covers an hour or a day: it goes when its start is older than the rollup cutoff minus a day.
    return {
      raw_deleted: await sweep(RAW_COLLECTION, rawCutoff),
      rollups_deleted: await sweep(ROLLUPS_COLLECTION, rollupCutoff),
      packs_deleted: await sweep(PACKS_COLLECTION, new Date(rollupCutoff.getTime() - DAY)),
    };
  }
}

@Processor(RETENTION_QUEUE, { concurrency: 1 })
export class RetentionProcessor extends WorkerHost {
  private readonly logger = new Logger('HistorianRetention');

  constructor(private readonly runner: RetentionRunner) {
    super();
  }

  async process(job: Job<{ now?: number }>): Promise<RetentionResult> {
    const r = await this.runner.run(job.data?.now ?? Date.now());
    if (r.raw_deleted || r.rollups_deleted || r.packs_deleted) this.logger.log(`retention: deleted ${r.raw_deleted} raw bucket(s), ${r.rollups_deleted} rollup(s), ${r.packs_deleted} pack(s)`);
    return r;
  }
}

/** Keeps the retention job scheduled (one scheduler, stable id) and can run it now through the queue. */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private events: QueueEvents | null = null;

  constructor(
    @InjectQueue(RETENTION_QUEUE) private readonly queue: Queue<{ now?: number }, RetentionResult>,
    private readonly config: AppConfig,
    @Inject(REDIS_OPTIONS) private readonly redis: RedisOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      RETENTION_SCHEDULER,
      { every: this.config.historian.retentionEveryMinutes * 60_000 },
      { name: RETENTION_JOB, data: {}, opts: { removeOnComplete: 10, removeOnFail: 10 } },
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.events?.close();
  }

  /** Runs the retention job now (through the queue, as the schedule does) and returns what it deleted. */
  async runNow(now?: number): Promise<RetentionResult> {
    this.events ??= new QueueEvents(RETENTION_QUEUE, { connection: { ...this.redis, maxRetriesPerRequest: null }, prefix: this.config.queuePrefix });
    await this.events.waitUntilReady();
    const job = await this.queue.add(RETENTION_JOB, now === undefined ? {} : { now }, { removeOnComplete: 10, removeOnFail: 10 });
    return job.waitUntilFinished(this.events, 120_000);
  }
}
