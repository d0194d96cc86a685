import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { Counter, Gauge } from 'prom-client';
import type { WriterChangedEvent } from '@idm/contracts';
import { withTimeout } from '../async/with-timeout';
import { AppConfig } from '../config/app-config';
import { DomainEvents } from '../events/domain-events';
import { HealthRegistry } from '../health/health-registry';
import { MetricsService } from '../metrics/metrics.service';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { afterRoundTrip, ElectionState, isWriterAt, LeaseAnswer, STANDBY } from './engine/writer-lease';
import { RedisWriterLease, WriterInfo } from './redis-writer-lease';

/**
 * The one thing the rest of IDM asks about processing: is this instance the writer, with which epoch
 * (fencing token), and who is the writer otherwise. IDM_ROLE=all: always the writer (epoch 0);
 * `screens`: never; `auto`: elected through the lease in Redis, announced as the `writer.changed` event.
 */
@Injectable()
export class WriterRole implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('WriterRole');
  private state: ElectionState = STANDBY;
  private known: WriterInfo | null = null;
  private lease: RedisWriterLease | null = null;
  private loop: NodeJS.Timeout | null = null;
  private stepDown: NodeJS.Timeout | null = null;
  private announced: { writer: boolean; key: string } = { writer: false, key: '' };
  private stopped = false;
  private readonly changes: Counter;
  /** The newest epoch a fenced database write reported: this instance's lease is stale below it. */
  private fencedBelow = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly events: DomainEvents,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    metrics: MetricsService,
    health: HealthRegistry,
  ) {
    const registers = [metrics.registry];
    const self = this;
    new Gauge({ name: 'idm_writer_is_writer', help: '1 while this instance is the writer (polls, ingests, raises alarms)', registers, collect: function () { this.set(self.isWriter ? 1 : 0); } });
    new Gauge({ name: 'idm_writer_epoch', help: "Epoch (fencing token) of the writer lease as this instance knows it (0: IDM_ROLE=all)", registers, collect: function () { this.set(self.writerInfo()?.epoch ?? 0); } });
    this.changes = new Counter({ name: 'idm_writer_changes_total', help: 'Times this instance became or stopped being the writer', registers });
    health.register('writer', async () => {
      const writer = this.writerInfo();
      const base = { role: this.config.role, instance_id: this.instanceId, is_writer: this.isWriter, writer };
      if (this.config.role !== 'auto' || writer) return { status: 'up' as const, message: writer ? `writer: ${writer.instance_id} (epoch ${writer.epoch})` : undefined, ...base };
      // Not down: screens are served all the same; the plant is not processed until a writer is elected.
      return { status: 'degraded' as const, message: 'no writer: the lease is free or Redis is away; the plant is not processed', ...base };
    });
  }

  get instanceId(): string {
    return this.config.cluster.instanceId;
  }

  /** Whether this instance may process the plant now. Checked against the clock, so a frozen process that wakes knows at once. */
  get isWriter(): boolean {
    if (this.config.role === 'all') return true;
    if (this.config.role === 'screens') return false;
    return isWriterAt(this.state, performance.now());
  }

  /**
   * The epoch to fence database writes with (see fencing.ts): null with IDM_ROLE=all/screens (no fencing);
   * with auto the writer's epoch, 0 on a standby (so any document a writer has written refuses it).
   */
  get fencingEpoch(): number | null {
    return this.config.role === 'auto' ? (this.isWriter ? this.epoch : 0) : null;
  }

  /** This instance's fencing token while it is the writer; 0 with IDM_ROLE=all. */
  get epoch(): number {
    return this.state.role === 'writer' ? this.state.epoch : 0;
  }

  /** The writer as this instance knows it (itself included); null while none is known or with IDM_ROLE=screens. */
  writerInfo(): WriterInfo | null {
    if (this.config.role === 'all') return { instance_id: this.instanceId, url: this.config.cluster.advertiseUrl, epoch: 0 };
    if (this.config.role === 'screens') return null;
    return this.known;
  }

  /** The event as this instance would announce it now (for a screen that just connected). */
  current(): WriterChangedEvent {
    return { writer: this.writerInfo(), instance_id: this.instanceId, is_writer: this.isWriter, at: Date.now() };
  }

  /** Calls `listener` on every `writer.changed` (IDM_ROLE=auto only); returns an unsubscribe function. */
  onChange(listener: (e: WriterChangedEvent) => void | Promise<void>): () => void {
    return this.events.on('writer.changed', listener);
  }

  /**
   * A fenced database write was refused because a newer epoch has written: this instance's lease is stale whatever
   * its clock says (e.g. it was frozen past its lease). It stops processing at once.
   */
  fenced(): void {
    if (this.config.role !== 'auto') return;
    this.fencedBelow = Math.max(this.fencedBelow, this.epoch + 1);
    this.logger.warn(`a newer writer has written: this instance (epoch ${this.epoch}) stops processing`);
    this.state = STANDBY;
    this.announce();
  }

  async onModuleInit(): Promise<void> {
    if (this.config.role !== 'auto') return;
    const { instanceId } = this;
    const token = `${instanceId}:${randomBytes(8).toString('hex')}`;
    this.lease = new RedisWriterLease(this.redis, this.config.databaseName, token, { instance_id: instanceId, url: this.config.cluster.advertiseUrl });
    const t = this.config.cluster.lease;
    this.logger.log(`IDM_ROLE=auto: instance ${instanceId}, lease ${t.leaseMs} ms renewed every ${t.renewMs} ms, writer stops ${t.marginMs} ms before it can expire`);
    // The first round trip before the other modules start, so they start as what this instance is.
    await this.round();
    const next = () => {
      if (this.stopped) return;
      this.loop = setTimeout(() => void this.round().finally(next), t.renewMs);
      this.loop.unref();
    };
    next();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.loop) clearTimeout(this.loop);
    if (this.stepDown) clearTimeout(this.stepDown);
    if (this.state.role !== 'writer' || !this.lease) return;
    this.state = STANDBY;
    // Hand over at once rather than after the lease (best effort: Redis may be gone too).
    await withTimeout(this.lease.release(), 1000).catch(() => undefined);
    this.logger.log('writer lease released at shutdown');
  }

  private async round(): Promise<void> {
    if (!this.lease) return;
    const t = this.config.cluster.lease;
    const sentAt = performance.now();
    const mine = this.state.role === 'writer';
    let answer: LeaseAnswer;
    try {
      // A hung Redis answers nothing: give up in time for the next round.
      const reply = await withTimeout(this.lease.acquireOrRenew(t.leaseMs, mine), t.renewMs);
      this.known = reply.info;
      // A lease older than an epoch that has already written (see `fenced`) is not trusted.
      answer = reply.held && reply.info.epoch >= this.fencedBelow ? { kind: 'held', epoch: reply.info.epoch } : { kind: 'taken' };
    } catch (err) {
      answer = { kind: 'error' };
      if (this.known && !mine) this.known = null; // the writer we knew may be gone; nothing to tell clients
      this.logger.debug(`writer lease round trip failed: ${String(err)}`);
    }
    this.state = afterRoundTrip(this.state, answer, sentAt, performance.now(), t);
    if (this.state.role === 'writer') this.armStepDown(this.state.until);
    if (!this.isWriter && this.known?.instance_id === this.instanceId) this.known = null;
    this.announce();
  }

  /** Stops processing when the trust runs out, even if no round trip ends (Redis hanging). */
  private armStepDown(until: number): void {
    if (this.stepDown) clearTimeout(this.stepDown);
    this.stepDown = setTimeout(() => {
      if (this.isWriter) return;
      this.state = STANDBY;
      if (this.known?.instance_id === this.instanceId) this.known = null;
      this.announce();
    }, Math.max(0, until - performance.now()) + 1);
    this.stepDown.unref();
  }

  private announce(): void {
    const writer = this.isWriter;
    const key = this.known ? `${this.known.instance_id}#${this.known.epoch}` : '';
    if (writer === this.announced.writer && key === this.announced.key) return;
    const was = this.announced;
    this.announced = { writer, key };
    if (writer !== was.writer) {
      this.changes.inc();
      if (writer) this.logger.warn(`this instance (${this.instanceId}) is now the writer, epoch ${this.epoch}`);
      else this.logger.warn(`this instance (${this.instanceId}) is no longer the writer${this.known ? `; writer: ${this.known.instance_id} (epoch ${this.known.epoch})` : ''}`);
    } else if (this.known) this.logger.log(`writer: ${this.known.instance_id} (epoch ${this.known.epoch}, ${this.known.url ?? 'no address advertised'})`);
    else this.logger.warn('no writer: the lease is free or Redis is away');
    this.events.emit('writer.changed', this.current());
  }
}
