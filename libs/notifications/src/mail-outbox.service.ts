import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@idm/core';
import { MAIL_JOB, MAIL_QUEUE, MailJobData } from './notification-queues';
import { NotificationsRepository } from './notifications.repository';

export interface OutgoingMail {
  kind: MailJobData['kind'];
  subscription_id: string | null;
  /** The user who sent it by hand, if any. */
  requested_by?: string | null;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: Array<{ filename: string; content_type: string; content: Buffer }>;
}

/** Puts e-mails in the mail queue (retried with exponential backoff) and opens their delivery-log entry. */
@Injectable()
export class MailOutbox {
  constructor(
    @InjectQueue(MAIL_QUEUE) private readonly queue: Queue<MailJobData>,
    private readonly repo: NotificationsRepository,
    private readonly config: AppConfig,
  ) {}

  async send(mail: OutgoingMail): Promise<string> {
    const id = randomUUID();
    const now = Date.now();
    await this.repo.createDelivery({
      _id: id,
      kind: mail.kind,
      subscription_id: mail.subscription_id,
      requested_by: mail.requested_by ?? null,
      recipients: mail.to,
      subject: mail.subject,
      status: 'queued',
      attempts: 0,
      last_error: null,
      created_at: now,
      sent_at: null,
      updated_at: now,
    });
    await this.queue.add(
      MAIL_JOB,
      {
        delivery_id: id,
        kind: mail.kind,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: mail.attachments?.map((a) => ({ filename: a.filename, content_type: a.content_type, content_base64: a.content.toString('base64') })),
      },
      {
        jobId: id,
        attempts: this.config.notifications.mailAttempts,
        backoff: { type: 'exponential', delay: this.config.notifications.mailBackoffMs },
        // The delivery log in the database is the record; Redis keeps only a few finished jobs (with attachments).
        removeOnComplete: { count: 100 },
        removeOnFail: { count: 500 },
      },
    );
    return id;
  }
}
