import { InjectQueue } from '@nestjs/bullmq';
import { BadRequestException, ForbiddenException, Injectable, Logger, NotFoundException, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { SubscriptionDto } from '@idm/contracts';
import { AuthUser, DatabaseState, RedisGate, retryInBackground } from '@idm/core';
import { CreateSubscriptionDto, UpdateSubscriptionDto } from './dto/subscription.dto';
import { cronProblem } from './engine/schedule';
import { DIGEST_JOB, DIGEST_QUEUE, DigestJobData, schedulerId } from './notification-queues';
import { Subscription } from './notification.schema';
import { NotificationsRepository } from './notifications.repository';


const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/**
 * Subscriptions and their digest schedules. Each enabled subscription is one BullMQ job scheduler with a
 * stable id, so schedules live in Redis and survive restarts; at start the schedulers are reconciled with
 * the stored subscriptions (missing ones added, orphans removed).
 */
@Injectable()
export class SubscriptionsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Subscriptions');
  /** Enabled subscriptions, for the critical-alarm notifier (no database read per alarm). */
  private cache: Subscription[] = [];

  constructor(
    @InjectQueue(DIGEST_QUEUE) private readonly queue: Queue<DigestJobData>,
    private readonly repo: NotificationsRepository,
    private readonly redis: RedisGate,
    private readonly database: DatabaseState,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Neither the database nor Redis being away may stop the start: both steps finish in the background.
    const { done } = await retryInBackground('loading the notification subscriptions', this.logger, async () => {
      await this.database.ready;
      await this.repo.init();
      this.cache = (await this.repo.listSubscriptions()).filter((s) => s.enabled);
    }, this.database.initialised ? 30_000 : 0, 'the database');
    if (this.database.initialised) await retryInBackground('reconciling digest schedules', this.logger, () => this.reconcile());
    else void done.then(() => retryInBackground('reconciling digest schedules', this.logger, () => this.reconcile()));
  }

  /** Adds the schedulers of enabled subscriptions and removes those whose subscription is gone or disabled. */
  private async reconcile(): Promise<void> {
    const subs = await this.repo.listSubscriptions();
    const wanted = new Set<string>();
    for (const s of subs) {
      if (!s.enabled) continue;
      wanted.add(schedulerId(s._id));
      await this.schedule(s);
    }
    const existing = await this.queue.getJobSchedulers(0, -1);
    for (const j of existing) {
      if (j.key.startsWith('digest:') && !wanted.has(j.key)) await this.queue.removeJobScheduler(j.key);
    }
    this.logger.log(`${wanted.size} digest schedule(s) reconciled`);
  }

  enabled(): Subscription[] {
    return this.cache;
  }

  async list(user: AuthUser): Promise<SubscriptionDto[]> {
    const subs = await this.repo.listSubscriptions(isAdmin(user) ? undefined : user.username);
    subs.sort((a, b) => a.created_at - b.created_at);
    return Promise.all(subs.map((s) => this.toDto(s)));
  }

  async get(id: string, user: AuthUser): Promise<SubscriptionDto> {
    return this.toDto(await this.mustGetOwned(id, user));
  }

  async mustGetOwned(id: string, user: AuthUser): Promise<Subscription> {
    const s = await this.repo.getSubscription(id);
    if (!s || (!isAdmin(user) && s.owner !== user.username)) throw new NotFoundException({ message: `subscription ${id} not found` });
    return s;
  }

  /** Creates a subscription; with `idempotentId` (from an Idempotency-Key), one already made under it is answered instead. */
  async create(body: CreateSubscriptionDto, user: AuthUser, idempotentId?: string): Promise<SubscriptionDto> {
    const owner = this.ownerFor(body.owner, user);
    const now = Date.now();
    const s: Subscription = {
      _id: idempotentId ?? randomUUID(),
      owner,
      name: body.name,
      recipients: body.recipients,
      scope: cleanScope(body.scope),
      min_priority: body.min_priority ?? 'low',
      cron: body.cron.trim(),
      time_zone: body.time_zone ?? 'UTC',
      format: body.format ?? 'pdf',
      send_empty: body.send_empty ?? false,
      critical_immediate: body.critical_immediate ?? false,
      enabled: body.enabled ?? true,
      last_sent_at: null,
      created_at: now,
      updated_at: now,
    };
    checkSchedule(s);
    // Schedules live in Redis: while it is away, refuse before anything is stored (no change lands later).
    this.redis.assertUp('changing a subscription');
    if (idempotentId) {
      const existing = await this.repo.getSubscription(idempotentId);
      if (existing) return this.toDto(existing);
    }
    await this.repo.saveSubscription(s);
    await this.sync(s);
    return this.toDto(s);
  }

  async update(id: string, body: UpdateSubscriptionDto, user: AuthUser): Promise<SubscriptionDto> {
    const before = await this.mustGetOwned(id, user);
    const s: Subscription = {
      ...before,
      ...(body.name !== undefined && { name: body.name }),
      ...(body.recipients !== undefined && { recipients: body.recipients }),
      ...(body.scope !== undefined && { scope: cleanScope(body.scope) }),
      ...(body.min_priority !== undefined && { min_priority: body.min_priority }),
      ...(body.cron !== undefined && { cron: body.cron.trim() }),
      ...(body.time_zone !== undefined && { time_zone: body.time_zone }),
      ...(body.format !== undefined && { format: body.format }),
      ...(body.send_empty !== undefined && { send_empty: body.send_empty }),
      ...(body.critical_immediate !== undefined && { critical_immediate: body.critical_immediate }),
      ...(body.enabled !== undefined && { enabled: body.enabled }),
      ...(body.owner !== undefined && { owner: this.ownerFor(body.owner, user) }),
      updated_at: Date.now(),
    };
    checkSchedule(s);
    this.redis.assertUp('changing a subscription');
    await this.repo.saveSubscription(s);
    await this.sync(s);
    return this.toDto(s);
  }

  async remove(id: string, user: AuthUser): Promise<void> {
    const s = await this.mustGetOwned(id, user);
    this.redis.assertUp('deleting a subscription');
    await this.queue.removeJobScheduler(schedulerId(s._id));
    await this.repo.deleteSubscription(s._id);
    this.cache = this.cache.filter((c) => c._id !== s._id);
  }

  /** Reschedules (or unschedules) a changed subscription and refreshes the cache. */
  private async sync(s: Subscription): Promise<void> {
    if (s.enabled) await this.schedule(s);
    else await this.queue.removeJobScheduler(schedulerId(s._id));
    this.cache = [...this.cache.filter((c) => c._id !== s._id), ...(s.enabled ? [s] : [])];
  }

  private async schedule(s: Subscription): Promise<void> {
    await this.queue.upsertJobScheduler(
      schedulerId(s._id),
      { pattern: s.cron, tz: s.time_zone },
      { name: DIGEST_JOB, data: { subscription_id: s._id }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }

  private ownerFor(requested: string | undefined, user: AuthUser): string {
    if (!requested || requested === user.username) return user.username;
    if (!isAdmin(user)) throw new ForbiddenException({ message: 'only an admin may manage subscriptions of other users', details: [{ field: 'owner', rule: 'admin', message: 'only an admin may set owner to another user' }] });
    return requested;
  }

  async toDto(s: Subscription): Promise<SubscriptionDto> {
    const sched = s.enabled ? await this.queue.getJobScheduler(schedulerId(s._id)) : null;
    return {
      id: s._id,
      owner: s.owner,
      name: s.name,
      recipients: s.recipients,
      scope: s.scope ?? {},
      min_priority: s.min_priority,
      cron: s.cron,
      time_zone: s.time_zone,
      format: s.format,
      send_empty: s.send_empty,
      critical_immediate: s.critical_immediate,
      enabled: s.enabled,
      last_sent_at: iso(s.last_sent_at),
      next_run_at: sched?.next ? iso(Number(sched.next)) : null,
      created_at: iso(s.created_at) as string,
      updated_at: iso(s.updated_at) as string,
    };
  }
}

function isAdmin(user: AuthUser): boolean {
  return user.roles.includes('admin');
}

function cleanScope(scope: CreateSubscriptionDto['scope']): Subscription['scope'] {
  const s: Subscription['scope'] = {};
  if (scope?.area) s.area = scope.area;
  if (scope?.device_id) s.device_id = scope.device_id;
  if (scope?.sensor_ids?.length) s.sensor_ids = scope.sensor_ids;
  return s;
}

function checkSchedule(s: Subscription): void {
  const problem = cronProblem(s.cron, s.time_zone);
  if (problem) {
    const field = problem.startsWith('time_zone') ? 'time_zone' : 'cron';
    throw new BadRequestException({ message: problem, details: [{ field, rule: field === 'cron' ? 'isCron' : 'isTimeZone', message: problem }] });
  }
}
