/** Digest schedules: one BullMQ job scheduler per subscription (`digest:<subscription id>`). */
export const DIGEST_QUEUE = 'notification-digests';
export const DIGEST_JOB = 'digest';
export const schedulerId = (subscriptionId: string): string => `digest:${subscriptionId}`;

export interface DigestJobData {
  subscription_id: string;
}

/** Outgoing e-mail, retried with exponential backoff on SMTP failure. */
export const MAIL_QUEUE = 'notification-mail';
export const MAIL_JOB = 'send';

export interface MailJobData {
  delivery_id: string;
  kind: 'digest' | 'critical' | 'message';
  to: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: Array<{ filename: string; content_type: string; content_base64: string }>;
}
