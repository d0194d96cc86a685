/** Wire types of notification subscriptions, digests and the delivery log. */
import type { AlarmPriorityName } from './alarms';
import type { ReportScope } from './reports';

/** Which part of the plant a subscription covers (its minimum priority is a field of its own). */
export type SubscriptionScope = Omit<ReportScope, 'min_priority'>;

export type DigestAttachmentFormat = 'pdf' | 'csv' | 'none';

/** A supervisor's standing order: a digest on a schedule, and/or immediate critical-alarm e-mails. */
export interface SubscriptionDto {
  id: string;
  /** The user who owns it. */
  owner: string;
  name: string;
  recipients: string[];
  scope: SubscriptionScope;
  /** Alarms below this priority are left out of digests. */
  min_priority: AlarmPriorityName;
  /** Five- or six-field cron expression, evaluated in `time_zone`. */
  cron: string;
  /** IANA time zone, e.g. `Europe/Paris`. */
  time_zone: string;
  format: DigestAttachmentFormat;
  /** Send a digest even when nothing happened. */
  send_empty: boolean;
  /** Also e-mail critical alarms as they are raised (grouped and rate-limited). */
  critical_immediate: boolean;
  enabled: boolean;
  last_sent_at: string | null;
  /** When the schedule fires next (from the queue), null when disabled. */
  next_run_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CreateSubscriptionRequest {
  name: string;
  recipients: string[];
  scope?: SubscriptionScope;
  min_priority?: AlarmPriorityName;
  cron: string;
  time_zone?: string;
  format?: DigestAttachmentFormat;
  send_empty?: boolean;
  critical_immediate?: boolean;
  enabled?: boolean;
  /** Admins only: create it for another user. */
  owner?: string;
}

export type UpdateSubscriptionRequest = Partial<CreateSubscriptionRequest>;

/** `POST /notifications/send`: a digest of a subscription now, or a plain message. */
export interface SendNotificationRequest {
  kind: 'digest' | 'message';
  /** For `digest`: the subscription whose digest to send now. */
  subscription_id?: string;
  /** For `message`: recipients, subject and text. */
  recipients?: string[];
  subject?: string;
  text?: string;
}

export interface SendNotificationResponse {
  /** Delivery log ids of the queued e-mails (none when a digest had nothing to say). */
  delivery_ids: string[];
  skipped_reason?: string;
}

export type DeliveryStatus = 'queued' | 'sent' | 'retrying' | 'failed';

/** One e-mail in the delivery log. */
export interface DeliveryDto {
  id: string;
  kind: 'digest' | 'critical' | 'message';
  subscription_id: string | null;
  /** Who sent it by hand (`POST /notifications/send`); null for scheduled digests and critical alerts. */
  requested_by: string | null;
  recipients: string[];
  subject: string;
  status: DeliveryStatus;
  attempts: number;
  /** The last failure, e.g. `connect ECONNREFUSED 127.0.0.1:1025`. */
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  updated_at: string;
}
