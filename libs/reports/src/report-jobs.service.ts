import { InjectQueue } from '@nestjs/bullmq';
import { ConflictException, Injectable, Logger, NotFoundException, OnApplicationBootstrap } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import type { Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { ReportFormat, ReportJobDto, ReportScope } from '@idm/contracts';
import { AppConfig } from '@idm/core';
import { REPORT_CLEANUP_JOB, REPORT_CLEANUP_SCHEDULER, REPORT_JOB, REPORTS_QUEUE, ReportJobData, ReportJobResult } from './report-queue';
import { ReportsRepository } from './reports.repository';

/** Queues background reports, tells their progress, and keeps the clean-up scheduled. */
@Injectable()
export class ReportJobsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReportJobs');

  constructor(
    @InjectQueue(REPORTS_QUEUE) private readonly queue: Queue<ReportJobData | Record<string, never>, ReportJobResult | { deleted: number }>,
    private readonly repo: ReportsRepository,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Idempotent: one scheduler with a stable id, whatever the number of restarts or instances. Not awaited
    // past a few seconds: start-up must not hang while Redis is away (BullMQ waits for it).
    const schedule = this.queue.upsertJobScheduler(
      REPORT_CLEANUP_SCHEDULER,
      { every: this.config.reports.cleanupEverySeconds * 1000 },
      { name: REPORT_CLEANUP_JOB, data: {}, opts: { removeOnComplete: 10, removeOnFail: 10 } },
    );
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000).unref());
    const r = await Promise.race([schedule.then(() => 'ok' as const, (err: unknown) => err), timeout]);
    if (r === 'timeout') this.logger.warn('report clean-up schedule is waiting for Redis');
    else if (r !== 'ok') this.logger.warn(`report clean-up schedule not set: ${String(r)}`);
  }

  /** Queues a report; with `idempotentId` (from an Idempotency-Key), a job already queued under it is answered instead. */
  async enqueue(from: number, to: number, scope: ReportScope, format: ReportFormat, requestedBy: string | null, idempotentId?: string): Promise<ReportJobDto> {
    if (idempotentId) {
      const existing = (await this.queue.getJob(idempotentId)) as Job<ReportJobData, ReportJobResult> | undefined;
      if (existing) {
        const d = existing.data;
        if (!isDeepStrictEqual({ from: d.from, to: d.to, scope: d.scope, format: d.format }, { from, to, scope, format })) {
          throw new ConflictException({ message: 'Idempotency-Key was already used for a different report request', details: [{ field: 'Idempotency-Key', rule: 'unique', message: 'already used for a different request' }] });
        }
        return this.get(idempotentId);
      }
    }
    const id = idempotentId ?? randomUUID();
    const data: ReportJobData = { from, to, scope, format, requested_by: requestedBy, created_at: Date.now() };
    const keep = this.config.reports.retentionSeconds;
    const job = await this.queue.add(REPORT_JOB, data, {
      jobId: id,
      attempts: 2,
      backoff: { type: 'exponential', delay: 2000 },
      // The job record (state, progress) lives as long as its file.
      removeOnComplete: { age: keep },
      removeOnFail: { age: keep },
    });
    this.logger.log(`report job ${id} queued (${format}, ${new Date(from).toISOString()} to ${new Date(to).toISOString()})`);
    return this.toDto(job as Job<ReportJobData, ReportJobResult>, 'queued');
  }

  async get(id: string): Promise<ReportJobDto> {
    const job = (await this.queue.getJob(id)) as Job<ReportJobData, ReportJobResult> | undefined;
    if (!job || job.name !== REPORT_JOB) throw new NotFoundException({ message: `report job ${id} not found (reports are kept ${this.config.reports.retentionSeconds} s)` });
    const state = await job.getState();
    const mapped = state === 'completed' ? 'done' : state === 'failed' ? 'failed' : state === 'active' ? 'running' : 'queued';
    if (mapped === 'done' && !(await this.repo.fileExists(id))) throw new NotFoundException({ message: `report job ${id} has expired` });
    return this.toDto(job, mapped);
  }

  private toDto(job: Job<ReportJobData, ReportJobResult>, state: ReportJobDto['state']): ReportJobDto {
    const d = job.data;
    const progress = typeof job.progress === 'number' ? job.progress : 0;
    return {
      id: String(job.id),
      state,
      progress: state === 'done' ? 100 : progress,
      format: d.format,
      from: new Date(d.from).toISOString(),
      to: new Date(d.to).toISOString(),
      scope: d.scope,
      created_at: new Date(d.created_at).toISOString(),
      finished_at: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      expires_at: state === 'done' && job.returnvalue ? new Date(job.returnvalue.expires_at).toISOString() : null,
      download_url: state === 'done' ? `/reports/jobs/${job.id}/download` : null,
      error: state === 'failed' ? (job.failedReason ?? 'failed') : null,
    };
  }
}
