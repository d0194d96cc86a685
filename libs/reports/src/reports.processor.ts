import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '@idm/core';
import { REPORT_CLEANUP_JOB, REPORTS_QUEUE, ReportJobData, ReportJobResult } from './report-queue';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

/** The one worker of the reports queue: builds background reports and deletes expired files. */
@Processor(REPORTS_QUEUE, { concurrency: 1 })
export class ReportsProcessor extends WorkerHost {
  private readonly logger = new Logger('ReportsProcessor');

  constructor(
    private readonly reports: ReportsService,
    private readonly repo: ReportsRepository,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async process(job: Job): Promise<ReportJobResult | { deleted: number }> {
    if (job.name === REPORT_CLEANUP_JOB) {
      const deleted = await this.repo.deleteExpired(Date.now());
      if (deleted) this.logger.log(`deleted ${deleted} expired report file(s)`);
      return { deleted };
    }
    const data = job.data as ReportJobData;
    await job.updateProgress(5);
    const report = await this.reports.build({ from: data.from, to: data.to, scope: data.scope }, (pct) => job.updateProgress(pct));
    const file = await this.reports.render(report, data.format);
    const now = Date.now();
    const expiresAt = now + this.config.reports.retentionSeconds * 1000;
    await this.repo.saveFile({
      _id: String(job.id),
      format: data.format,
      filename: file.filename,
      content_type: file.contentType,
      content: file.content,
      requested_by: data.requested_by,
      created_at: now,
      expires_at: expiresAt,
    });
    await job.updateProgress(100);
    return { bytes: file.content.length, expires_at: expiresAt };
  }
}
