import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription as RxSubscription } from 'rxjs';
import { AlarmsService } from '@idm/alarms';
import type { AlarmDto } from '@idm/contracts';
import { AppConfig } from '@idm/core';
import { DigestService } from './digest.service';
import { CriticalGrouper } from './engine/critical-grouper';
import { SubscriptionsService } from './subscriptions.service';

/**
 * Immediate e-mails for critical alarms to the subscriptions that ask for them: the first once the alarms
 * stop coming for a second (at most 10 s of gathering), then at most one grouped message per
 * NOTIFY_CRITICAL_GROUP_SECONDS per subscription, listing every critical alarm raised meanwhile.
 * (Grouping state is per process.)
 */
@Injectable()
export class CriticalNotifier implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('CriticalNotifier');
  private readonly groupers = new Map<string, CriticalGrouper<AlarmDto>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private sub: RxSubscription | null = null;

  constructor(
    private readonly alarms: AlarmsService,
    private readonly subscriptions: SubscriptionsService,
    private readonly digests: DigestService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.sub = this.alarms.events$.subscribe((e) => {
      if (e.kind === 'raised' && e.alarm.priority === 'critical') this.onCritical(e.alarm);
    });
  }

  onModuleDestroy(): void {
    this.sub?.unsubscribe();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private onCritical(alarm: AlarmDto): void {
    const now = Date.now();
    for (const s of this.subscriptions.enabled()) {
      if (!s.critical_immediate || !this.digests.inScope(alarm, s)) continue;
      let g = this.groupers.get(s._id);
      if (!g) this.groupers.set(s._id, (g = new CriticalGrouper<AlarmDto>(this.config.notifications.criticalGroupSeconds * 1000)));
      this.arm(s._id, g.offer(alarm, now), now);
    }
  }

  /** (Re)sets the subscription's timer to when its pending alarms are due. */
  private arm(subscriptionId: string, due: number, now: number): void {
    const old = this.timers.get(subscriptionId);
    if (old) clearTimeout(old);
    const timer = setTimeout(() => void this.flush(subscriptionId), Math.max(0, due - now));
    timer.unref();
    this.timers.set(subscriptionId, timer);
  }

  private async flush(subscriptionId: string): Promise<void> {
    this.timers.delete(subscriptionId);
    const g = this.groupers.get(subscriptionId);
    const now = Date.now();
    const batch = g?.flush(now) ?? [];
    const due = g?.dueAt() ?? null;
    if (!batch.length && due !== null) return this.arm(subscriptionId, due, now);
    const s = this.subscriptions.enabled().find((x) => x._id === subscriptionId);
    if (!batch.length || !s) return;
    try {
      await this.digests.sendCritical(s, batch);
    } catch (err) {
      this.logger.error(`critical alert for "${s.name}" could not be queued: ${String(err)}`);
    }
  }
}
