import type { DeviceStatusDto, IngestedSample, OpcuaDeviceDto, OpcuaTagBinding, SampleQuality, TagDto } from '@idm/contracts';
import { ingestedSample } from '@idm/contracts';
import { ClientMonitoredItemGroup, DataChangeFilter, DataValue, MonitoringParametersOptions, OPCUAClient } from 'node-opcua';
import { BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from '../backoff';
import { CommHealth } from '../comm-health';
import { sensorIndex } from '../../sensor-index';
import type { SourceCarryOver, SourceConnection, SourceDeps } from '../source-driver';
import { dataChangeFilterFor } from './engine/deadband';
import { nodeIdError } from './engine/node-id';
import { readingOf } from './engine/tag-sample';
import { describeOpcuaError, identityOf, opcuaClientFor } from './opcua-client';
import type { OpcuaClientIdentity } from './opcua-own-certificate';
import { ReadOnlySession, ReadOnlySubscription } from './read-only-session';

/** An OPC UA tag as this source needs it (the registry's tag with an OPC UA binding is assignable to it). */
export type OpcuaTag = Pick<TagDto, 'sensor_id' | 'scale' | 'offset' | 'physical_min' | 'physical_max'> & { source: OpcuaTagBinding };

export interface OpcuaConnectionOptions {
  /** IDM's PKI (its own certificate, the server certificates an admin trusted or that were rejected) and names. */
  identity: () => Promise<OpcuaClientIdentity>;
  backoff?: BackoffOptions;
  random?: () => number;
  /** Failed connects (the loss counting as one) before the device is declared in comm failure. */
  failAfter?: number;
  /** Most monitored items created per CreateMonitoredItems request (servers limit it). */
  itemsPerRequest?: number;
  /**
   * Samples waiting for the ingestion pipeline beyond which only each tag's latest is kept (default 10 per
   * tag, at least 10 000): a server keeps publishing however slow the pipeline is, unlike a poll that waits.
   */
  maxPendingSamples?: number;
  /** Every service request the client sends, by type name (metrics, and the read-only test). */
  onRequest?(device: OpcuaDeviceDto, requestType: string): void;
}

/** Everything one connect built; dropped whole on any failure and built again, so no half state survives. */
interface Live {
  gen: number;
  client: OPCUAClient;
  session: ReadOnlySession | null;
  subscription: ReadOnlySubscription | null;
}

const DEFAULT_ITEMS_PER_REQUEST = 1000;

interface ItemParams {
  /** Tags with equal keys share a monitored item group (node-opcua sends one parameter set per group). */
  key: unknown[];
  options: MonitoringParametersOptions;
}

/**
 * One OPC UA server: a session with one subscription holding one monitored item per tag. Values arrive as
 * the server publishes them (no polling). Any loss (the socket closes, the subscription ends, nothing heard
 * for `timeout_ms`) drops client, session and subscription and builds them again with exponential backoff,
 * forever, so a server that restarts is back without anyone acting; comm failure is reported like Modbus
 * (after `failAfter` failed connects) and its end when values flow again.
 */
export class OpcuaConnection implements SourceConnection {
  private readonly tagsById: Map<string, OpcuaTag>;
  /** Tags whose value cannot be a sample, with the reason already published and logged (once). */
  private readonly refused = new Map<string, string>();
  private live: Live | null = null;
  private gen = 0;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private attempt: Promise<void> | null = null;
  private readonly health: CommHealth;
  /** Set once a (re)connect has its monitored items, until the next notification proves values flow again. */
  private awaitingFlow = false;
  private lastHeardAt = 0;
  private counters = { polls: 0, requests: 0, errors: 0, consecutive_failures: 0 };
  private lastValueAt: number | null = null;
  private lastError: string | null = null;
  private nextRetryAt: number | null = null;
  private pending: IngestedSample[] = [];
  private flushScheduled = false;
  private publishing: Promise<void> | null = null;
  /** Samples dropped since the pipeline last caught up (reported once per episode). */
  private coalesced = 0;
  private monitoredItems = 0;

  constructor(
    readonly device: OpcuaDeviceDto,
    tags: readonly OpcuaTag[],
    private readonly deps: SourceDeps<OpcuaDeviceDto>,
    private readonly opts: OpcuaConnectionOptions,
    carry?: SourceCarryOver,
  ) {
    this.tagsById = new Map(tags.map((t) => [t.sensor_id, t]));
    this.health = new CommHealth(this.tagsById, carry);
  }

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** How long without a data change or keep-alive before the connection is declared lost. */
  private get silenceLimitMs(): number {
    return Math.max(this.device.timeout_ms, 3 * this.device.publishing_interval_ms);
  }

  start(): void {
    if (!this.device.enabled) {
      this.health.state = 'disabled';
      return;
    }
    this.connectSoon(0);
    const period = Math.max(100, Math.min(1000, Math.floor(this.silenceLimitMs / 4)));
    this.watchdog = setInterval(() => this.checkSilence(), period);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    this.retryTimer = null;
    this.watchdog = null;
    this.gen++;
    await this.attempt?.catch(() => undefined);
    await this.teardown();
    await this.publishing;
  }

  status(): DeviceStatusDto {
    return {
      device_id: this.device.id,
      name: this.device.name,
      state: this.health.state,
      connected: this.health.state === 'connected',
      // For a subscription: the last data change, publishes carrying data, data changes, monitored items.
      last_good_poll_at: this.lastValueAt,
      last_error: this.lastError,
      ...this.counters,
      last_poll_duration_ms: null,
      requests_per_poll: this.monitoredItems,
      tags: this.tagsById.size,
      next_retry_at: this.health.state === 'comm_failure' || this.counters.consecutive_failures > 0 ? this.nextRetryAt : null,
    };
  }

  carryOver(): SourceCarryOver {
    return this.health.carryOver();
  }

  private connectSoon(delayMs: number): void {
    if (this.stopped) return;
    this.nextRetryAt = this.now + delayMs;
    if (this.retryTimer) clearTimeout(this.retryTimer); // one retry pending at most
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.attempt = this.connect().finally(() => (this.attempt = null));
    }, delayMs);
  }

  private async connect(): Promise<void> {
    const gen = ++this.gen;
    const d = this.device;
    let identity: OpcuaClientIdentity;
    try {
      identity = await this.opts.identity();
    } catch (err) {
      if (gen === this.gen) await this.failed(`IDM's OPC UA certificate is not usable: ${(err as Error)?.message ?? String(err)}`);
      return;
    }
    if (gen !== this.gen) return;
    const client = opcuaClientFor(d, identity, {
      clientName: `IDM ${d.id}`,
      requestedSessionTimeout: Math.max(60_000, 10 * this.silenceLimitMs),
      keepSessionAlive: false,
    });
    const live: Live = { gen, client, session: null, subscription: null };
    this.live = live;
    const lost = (reason: string) => () => this.onLost(gen, reason);
    client.on('send_request', (req: { schema?: { name?: string } }) => this.opts.onRequest?.(d, req.schema?.name ?? 'unknown'));
    client.on('connection_lost', lost('connection lost'));
    client.on('close', lost('connection closed'));
    try {
      await client.connect(d.endpoint_url);
      if (gen !== this.gen) return;
      live.session = new ReadOnlySession(await client.createSession(identityOf(d)));
      if (gen !== this.gen) return;
      // Keep-alives at least twice within the silence limit, so silence really means a lost server.
      const maxKeepAliveCount = Math.max(1, Math.floor(this.silenceLimitMs / 2 / d.publishing_interval_ms));
      live.subscription = await live.session.createSubscription({
        publishingIntervalMs: d.publishing_interval_ms,
        maxKeepAliveCount,
        lifetimeCount: maxKeepAliveCount * 3,
      });
      if (gen !== this.gen) return;
      live.subscription.on('keepalive', () => this.heard(gen));
      live.subscription.on('terminated', lost('subscription terminated'));
      this.lastHeardAt = this.now;
      await this.monitorAll(gen, live.subscription);
      if (gen !== this.gen) return;
      // Only now can values flow: a keep-alive before the monitored items exist proves the server alive, not the
      // tags readable (a server refusing them all would otherwise be "restored", and its failures reset, each connect).
      this.awaitingFlow = true;
    } catch (err) {
      if (gen !== this.gen) return;
      // Like a loss: from here on the failed client's late events (its subscription terminating as the session
      // closes, a keep-alive) belong to no connect, so the failure is counted once.
      const failedGen = ++this.gen;
      const reason = await describeOpcuaError(err, d, identity);
      if (failedGen !== this.gen) return;
      await this.failed(reason);
    }
  }

  /** One monitored item per usable tag, grouped by identical parameters (one request per group chunk). */
  private async monitorAll(gen: number, sub: ReadOnlySubscription): Promise<void> {
    const groups = new Map<string, { params: ItemParams; tags: OpcuaTag[] }>();
    for (const tag of this.tagsById.values()) {
      let params: ItemParams;
      try {
        const idError = nodeIdError(tag.source.node_id);
        if (idError) throw new Error(idError);
        params = this.paramsOf(tag.source);
      } catch (err) {
        this.refuse(tag, (err as Error).message, this.now);
        continue;
      }
      const key = JSON.stringify(params.key);
      const g = groups.get(key) ?? { params, tags: [] };
      g.tags.push(tag);
      groups.set(key, g);
    }
    const chunk = this.opts.itemsPerRequest ?? DEFAULT_ITEMS_PER_REQUEST;
    let created = 0;
    for (const { params, tags } of groups.values()) {
      for (let i = 0; i < tags.length; i += chunk) {
        const part = tags.slice(i, i + chunk);
        let group: ClientMonitoredItemGroup;
        try {
          group = await sub.monitor(
            part.map((t) => t.source.node_id),
            params.options,
          );
        } catch (err) {
          if (gen !== this.gen) return;
          // A group of one fails as a whole when its item is refused: that is a tag error, not a device one.
          if (part.length === 1 && /Bad\w+/.test((err as Error).message)) {
            this.refuse(part[0], `monitoring ${part[0].source.node_id} refused: ${(err as Error).message}`, this.now);
            continue;
          }
          throw err;
        }
        if (gen !== this.gen) return;
        group.monitoredItems.forEach((item, k) => {
          if (item.statusCode.isNotGood()) {
            this.refuse(part[k], `monitoring ${part[k].source.node_id} refused: ${item.statusCode.name} (${item.statusCode.description})`, this.now);
          } else created++;
        });
        group.on('changed', (_item: unknown, dv: DataValue, k: number) => this.onChange(gen, part[k], dv));
      }
    }
    this.monitoredItems = created;
  }

  private paramsOf(b: OpcuaTagBinding): ItemParams {
    const filter = dataChangeFilterFor(b);
    const samplingInterval = b.sampling_interval_ms ?? this.device.publishing_interval_ms;
    const queueSize = b.queue_size ?? 1;
    return {
      key: [samplingInterval, queueSize, filter],
      options: {
        samplingInterval,
        queueSize,
        discardOldest: true,
        filter: filter ? new DataChangeFilter(filter) : null,
      },
    };
  }

  private onChange(gen: number, tag: OpcuaTag, dv: DataValue): void {
    if (gen !== this.gen || this.stopped) return;
    this.heard(gen);
    this.counters.requests++;
    const reading = readingOf(tag, { value: dv.value, statusCode: dv.statusCode.value, sourceTimestamp: dv.sourceTimestamp, serverTimestamp: dv.serverTimestamp }, this.health.last.get(tag.sensor_id), this.now);
    if (reading.kind === 'refused') {
      this.refuse(tag, `${tag.source.node_id}: ${reading.error}`, reading.timestamp);
      return;
    }
    this.refused.delete(tag.sensor_id);
    if (reading.quality === 'good') this.health.last.set(tag.sensor_id, reading.value);
    this.lastValueAt = this.now;
    this.queue(this.sample(tag.sensor_id, reading.value, reading.quality, reading.timestamp));
  }

  /** A tag that cannot be read: published bad and logged once per reason; the device's other tags go on. */
  private refuse(tag: OpcuaTag, reason: string, at: number): void {
    if (this.refused.get(tag.sensor_id) === reason) return;
    this.refused.set(tag.sensor_id, reason);
    this.counters.errors++;
    this.deps.onError?.(this.device, `${tag.sensor_id}: ${reason}`);
    this.queue(this.sample(tag.sensor_id, this.health.last.get(tag.sensor_id) ?? 0, 'bad', at));
  }

  /** Something arrived from the subscription: the server is alive, and after a reconnect values flow again. */
  private heard(gen: number): void {
    if (gen !== this.gen) return;
    this.lastHeardAt = this.now;
    if (!this.awaitingFlow) return;
    this.awaitingFlow = false;
    this.counters.consecutive_failures = 0;
    this.nextRetryAt = null;
    this.lastError = null;
    const downMs = this.health.restored(this.now);
    if (downMs !== null) this.deps.commRestored(this.device, this.now, downMs);
  }

  private checkSilence(): void {
    const live = this.live;
    if (!live?.subscription || this.stopped) return;
    const silent = this.now - this.lastHeardAt;
    if (silent > this.silenceLimitMs) this.onLost(live.gen, `no publish or keep-alive for ${silent} ms`);
  }

  private onLost(gen: number, reason: string): void {
    if (gen !== this.gen || this.stopped) return;
    this.gen++; // events of the lost client are ignored from here on
    void this.failed(reason);
  }

  /** A failed connect or a lost connection: drop everything, count, report, and try again after a backoff. */
  private async failed(reason: string): Promise<void> {
    const at = this.now;
    this.awaitingFlow = false;
    this.counters.errors++;
    this.counters.consecutive_failures++;
    this.lastError = reason;
    this.deps.onError?.(this.device, reason);
    await this.teardown();
    if (this.stopped) return;
    const delay = backoffDelay(this.counters.consecutive_failures - 1, this.opts.backoff ?? DEFAULT_BACKOFF, this.opts.random);
    this.connectSoon(delay);
    this.reportFailure(at, reason);
  }

  /** Closes what the last connect built; a server that is gone must not hold this up. */
  private async teardown(): Promise<void> {
    const live = this.live;
    this.live = null;
    this.monitoredItems = 0;
    if (!live) return;
    const bounded = (p: Promise<unknown> | undefined) =>
      Promise.race([p?.catch(() => undefined), new Promise((r) => setTimeout(r, Math.min(2000, this.device.timeout_ms)).unref())]);
    live.client.removeAllListeners('connection_lost');
    live.client.removeAllListeners('close');
    await bounded(live.session?.close());
    await bounded(live.client.disconnect());
  }

  /** Reports a failure as comm failure once (comm_failure samples for every tag), or repeats last values as stale. */
  private reportFailure(at: number, reason: string): void {
    const outcome = this.health.failed(at, this.counters.consecutive_failures, this.opts.failAfter ?? 2);
    if (outcome === 'comm_failure') {
      this.deps.commFailed(this.device, at, reason);
      this.queue(...[...this.tagsById.keys()].map((k) => this.sample(k, this.health.last.get(k) ?? 0, 'comm_failure', at)));
    } else if (outcome === 'stale') {
      // Below the threshold the last values are repeated as stale: the screen must not show them as fresh.
      this.queue(...[...this.health.last.entries()].map(([k, v]) => this.sample(k, v, 'stale', at)));
    }
  }

  private queue(...samples: IngestedSample[]): void {
    if (!samples.length) return;
    this.pending.push(...samples);
    if (this.pending.length > (this.opts.maxPendingSamples ?? Math.max(10_000, 10 * this.tagsById.size))) this.coalesce();
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // One batch per publish response: its data changes arrive as events in the same tick.
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.publishing) this.publishing = this.flush().finally(() => (this.publishing = null));
    });
  }

  /** Keeps the latest waiting sample of each tag: memory stays bounded while the pipeline lags. */
  private coalesce(): void {
    const latest = new Map<string, IngestedSample>();
    for (const s of this.pending) {
      latest.delete(s.sensor_id); // re-inserted last: the batch stays in arrival order
      latest.set(s.sensor_id, s);
    }
    if (this.coalesced === 0) {
      this.deps.onError?.(this.device, `ingestion is slower than the server publishes: keeping only the latest value of each tag until it catches up`);
    }
    this.coalesced += this.pending.length - latest.size;
    this.pending = [...latest.values()];
  }

  /** Hands batches on one at a time (backpressure: the next waits for the pipeline to accept this one). */
  private async flush(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      this.counters.polls++;
      try {
        await this.deps.publish(batch);
      } catch (err) {
        this.deps.onError?.(this.device, `publish failed: ${(err as Error).message}`);
      }
    }
    if (this.coalesced) {
      this.deps.onError?.(this.device, `ingestion caught up; ${this.coalesced} intermediate samples were dropped`);
      this.coalesced = 0;
    }
  }

  private sample(sensor_id: string, value: number, quality: SampleQuality, timestamp: number): IngestedSample {
    // A tag's id (its hash already cached): a cheap probe here, and detection indexes its state directly.
    return ingestedSample(sensor_id, timestamp, value, quality, 'opcua', undefined, sensorIndex(sensor_id));
  }
}
