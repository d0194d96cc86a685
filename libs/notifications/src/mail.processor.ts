import { MailerService } from '@nestjs-modules/mailer';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { Counter } from 'prom-client';
import { MetricsService } from '@idm/core';
import { MAIL_QUEUE, MailJobData } from './notification-queues';
import { NotificationsRepository } from './notifications.repository';

/** Sends queued e-mails through the mailer; a failure is logged and rethrown so BullMQ retries with backoff. */
@Processor(MAIL_QUEUE, { concurrency: 2 })
export class MailProcessor extends WorkerHost {
  private readonly logger = new Logger('MailProcessor');
  private readonly sent: Counter<'kind'>;
  private readonly failures: Counter<'kind' | 'final'>;

  constructor(
    private readonly mailer: MailerService,
    private readonly repo: NotificationsRepository,
    metrics: MetricsService,
  ) {
    super();
    this.sent = new Counter({ name: 'idm_mail_sent_total', help: 'E-mails delivered to the SMTP server, by kind', labelNames: ['kind'], registers: [metrics.registry] });
    this.failures = new Counter({
      name: 'idm_mail_failures_total',
      help: 'Failed e-mail delivery attempts, by kind; final="true" when no retry is left',
      labelNames: ['kind', 'final'],
      registers: [metrics.registry],
    });
  }

  async process(job: Job<MailJobData>): Promise<{ message_id: string | null }> {
    const d = job.data;
    const attempt = job.attemptsMade + 1;
    try {
      const info = await this.mailer.sendMail({
        to: d.to,
        subject: d.subject,
        text: d.text,
        html: d.html,
        attachments: d.attachments?.map((a) => ({ filename: a.filename, contentType: a.content_type, content: Buffer.from(a.content_base64, 'base64') })),
      });
      await this.repo.updateDelivery(d.delivery_id, { status: 'sent', attempts: attempt, sent_at: Date.now() });
      this.sent.inc({ kind: d.kind });
      return { message_id: (info as { messageId?: string } | undefined)?.messageId ?? null };
    } catch (err) {
      const final = attempt >= (job.opts.attempts ?? 1);
      const reason = err instanceof Error ? err.message : String(err);
      await this.repo.updateDelivery(d.delivery_id, { status: final ? 'failed' : 'retrying', attempts: attempt, last_error: reason });
      this.failures.inc({ kind: d.kind, final: String(final) });
      this.logger.warn(`e-mail "${d.subject}" attempt ${attempt} failed${final ? ' (giving up)' : ', will retry'}: ${reason}`);
      throw err;
    }
  }
}
