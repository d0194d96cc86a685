import { Injectable, Logger } from '@nestjs/common';
import { AlarmsService } from '@idm/alarms';
import type { AlarmDto, ReportScope } from '@idm/contracts';
import { AppConfig } from '@idm/core';
import { TagRegistryService } from '@idm/ingestion';
import { AlarmFacts, alarmInScope, digestDetail, ReportsService, resolveScope, ResolvedScope } from '@idm/reports';
import { composeCriticalAlert, composeDigest, waitingForAck } from './engine/digest';
import { MailOutbox } from './mail-outbox.service';
import { Subscription } from './notification.schema';
import { NotificationsRepository } from './notifications.repository';

export type DigestOutcome = { sent: true; delivery_id: string } | { sent: false; reason: string };

function facts(a: AlarmDto): AlarmFacts {
  return {
    id: a.id,
    source_id: a.source_id,
    sensor_id: a.sensor_id,
    condition: a.condition,
    priority: a.priority,
    state: a.state,
    active: a.active,
    raised_at: a.raised_at ? Date.parse(a.raised_at) : null,
    updated_at: Date.parse(a.updated_at),
  };
}

/** Composes digests (report since the last one, worst and unacknowledged alarms) and critical alerts. */
@Injectable()
export class DigestService {
  private readonly logger = new Logger('Digests');

  constructor(
    private readonly reports: ReportsService,
    private readonly alarms: AlarmsService,
    private readonly registry: TagRegistryService,
    private readonly outbox: MailOutbox,
    private readonly repo: NotificationsRepository,
    private readonly config: AppConfig,
  ) {}

  /** Names by source id: a tag's description, and a device's name for its own alarms (comm failure). */
  private descriptions(): Map<string, string> {
    const names = new Map(this.registry.listDevices().map((d) => [d.id, d.name]));
    for (const t of this.registry.listTags()) if (t.description) names.set(t.sensor_id, t.description);
    return names;
  }

  resolve(scope: ReportScope): ResolvedScope {
    return resolveScope(scope, this.registry.listTags());
  }

  inScope(alarm: AlarmDto, sub: Subscription, resolved = this.resolve(sub.scope)): boolean {
    return alarmInScope(facts(alarm), resolved, { ...sub.scope, min_priority: sub.min_priority });
  }

  /** Sends the digest of a subscription covering everything since its last one (or since it was made). */
  async run(subscriptionId: string, force = false, requestedBy: string | null = null): Promise<DigestOutcome> {
    const sub = await this.repo.getSubscription(subscriptionId);
    if (!sub) return { sent: false, reason: 'subscription no longer exists' };
    if (!sub.enabled && !force) return { sent: false, reason: 'subscription is disabled' };
    const until = Date.now();
    const since = Math.min(sub.last_sent_at ?? sub.created_at, until - 1000);
    const scope: ReportScope = { ...sub.scope, min_priority: sub.min_priority };
    // The attachment fits the period: a shift's is about the shift's active sensors, a week's a summary (README).
    const report = await this.reports.build({ from: since, to: until, scope }, undefined, digestDetail(until - since));
    const resolved = this.resolve(sub.scope);
    const unacknowledged = waitingForAck(this.alarms.list({})).filter((a) => this.inScope(a, sub, resolved));
    const mail = composeDigest({
      name: sub.name, timeZone: sub.time_zone, since, until, report, unacknowledged, publicUrl: this.config.notifications.publicUrl,
      descriptions: this.descriptions(), first: sub.last_sent_at === null || sub.last_sent_at === undefined,
    });
    if (mail.empty && !sub.send_empty) {
      this.logger.log(`digest "${sub.name}" skipped: nothing happened since ${new Date(since).toISOString()}`);
      return { sent: false, reason: 'nothing happened since the last digest (send_empty is false)' };
    }
    const attachments = [];
    if (sub.format !== 'none') {
      const file = await this.reports.render(report, sub.format);
      attachments.push({ filename: file.filename, content_type: file.contentType, content: file.content });
    }
    const id = await this.outbox.send({ kind: 'digest', subscription_id: sub._id, requested_by: requestedBy, to: sub.recipients, subject: mail.subject, text: mail.text, html: mail.html, attachments });
    await this.repo.setLastSent(sub._id, until);
    return { sent: true, delivery_id: id };
  }

  /** One e-mail listing critical alarms raised since the previous one for this subscription. */
  sendCritical(sub: Subscription, alarms: AlarmDto[]): Promise<string> {
    const mail = composeCriticalAlert(sub.name, alarms, sub.time_zone, this.config.notifications.publicUrl, this.descriptions());
    return this.outbox.send({ kind: 'critical', subscription_id: sub._id, to: sub.recipients, subject: mail.subject, text: mail.text, html: mail.html });
  }
}
