import * as fs from 'node:fs';
import type { DeviceStatusDto, IngestedSample, MqttDeviceDto, MqttTagBinding, SampleQuality, TagDto } from '@idm/contracts';
import { ingestedSample } from '@idm/contracts';
import { connect, IClientOptions, IPublishPacket, MqttClient, Packet } from 'mqtt';
import { get as sparkplugCodec } from 'sparkplug-payload';
import { BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from '../backoff';
import { CommHealth } from '../comm-health';
import { sensorIndex } from '../../sensor-index';
import type { SourceCarryOver, SourceConnection, SourceDeps } from '../source-driver';
import { engineering } from './engine/engineering';
import { parseJsonPath } from './engine/json-path';
import { parseJson, PlainSelector, readPlain } from './engine/plain-payload';
import { DiscoveredMetric, HostEvent, SparkplugBinding, SparkplugHost } from './engine/sparkplug-host';
import { normalizeSparkplugPayload, parseSparkplugTopic, SPARKPLUG_NAMESPACE } from './engine/sparkplug-types';
import { topicMatches } from './engine/topic';
import { mqttBindingError } from './engine/validate';
import { HostPublisher, hostPublisher, statePayload, stateTopic } from './host-publisher';

/** An MQTT tag as this source needs it (the registry's tag with an MQTT binding is assignable to it). */
export type MqttTag = Pick<TagDto, 'sensor_id' | 'scale' | 'offset' | 'physical_min' | 'physical_max'> & { source: MqttTagBinding };

/**
 * Optional extra reports of a Sparkplug source: an edge node or device died (NDEATH/DDEATH) or was born
 * again. All of its tags at once, so the sources service raises one alarm for it, not one per tag.
 */
export interface SparkplugScopeDeps {
  scopeFailed?(device: MqttDeviceDto, scope: string, sensorIds: string[], at: number, reason: string): void;
  scopeRestored?(device: MqttDeviceDto, scope: string, sensorIds: string[], at: number, downMs: number): void;
  /**
   * A birth (or death) changed what the edge nodes announce, and once at start when births are known from
   * before: every metric discovered so far, for adoption rules (`auto_adopt`).
   */
  birthsChanged?(device: MqttDeviceDto, metrics: DiscoveredMetric[]): void;
}
export type MqttSourceDeps = SourceDeps<MqttDeviceDto> & SparkplugScopeDeps;

export interface MqttConnectionOptions {
  backoff?: BackoffOptions;
  random?: () => number;
  /** Failed connects (the loss counting as one) before the broker is declared in comm failure. */
  failAfter?: number;
  /**
   * Samples waiting for the ingestion pipeline beyond which IDM stops taking messages from the broker
   * until the pipeline catches up (default 10 per tag, at least 10 000). The broker holds the rest (QoS 1,
   * unacknowledged), so memory stays bounded and nothing is dropped.
   */
  maxPendingSamples?: number;
  /** Every MQTT packet IDM sends (metrics, and the test proving it publishes only STATE and rebirth). */
  onSend?(device: MqttDeviceDto, packet: Packet): void;
}

/** What a Sparkplug connection takes over from the one it replaces: the births seen (see MqttSourceDriver). */
export interface MqttCarry {
  host?: SparkplugHost;
  /** Stores the host state (after a birth or death changed it, and at stop) for a process restart. */
  save?(host: SparkplugHost): void;
}

const DEFAULT_HOST_ID = 'idm';

interface PlainEntry {
  tag: MqttTag;
  topic: string;
  sel: PlainSelector;
}

/** Node TLS options from a path or PEM text. */
function pem(v: string | undefined): Buffer | string | undefined {
  if (!v) return undefined;
  return v.includes('-----BEGIN') ? v : fs.readFileSync(v);
}

/**
 * One MQTT broker: a persistent session (`clean: false`, the device's fixed client id) with QoS 1
 * subscriptions, so the broker keeps what arrives while IDM restarts. Plain mode reads numbers from the
 * tags' topics; Sparkplug mode is a Sparkplug B 3.0 host application for one group (births, data,
 * deaths, one rebirth request on a gap). A broker loss drops the client and connects again with backoff,
 * forever; comm failure is reported after `failAfter` failed connects, and its end when connected again.
 * A message is acknowledged to the broker only once its samples are queued, and while the queue is full
 * IDM waits (acknowledging nothing), so nothing acknowledged is dropped and memory stays bounded.
 */
export class MqttConnection implements SourceConnection {
  private readonly tagsById: Map<string, MqttTag>;
  private readonly refused = new Map<string, string>();
  private readonly plain: PlainEntry[] = [];
  /** Plain tags by exact topic (a map lookup per message) and those with wildcards (matched one by one). */
  private readonly plainExact = new Map<string, PlainEntry[]>();
  private readonly plainWild: PlainEntry[] = [];
  private readonly host: SparkplugHost | null = null;
  private readonly saveHost?: (host: SparkplugHost) => void;
  private savedRevision = -1;
  private readonly scopeDownSince = new Map<string, number>();
  private client: MqttClient | null = null;
  private publisher: HostPublisher | null = null;
  private gen = 0;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly health: CommHealth;
  private counters = { polls: 0, requests: 0, errors: 0, consecutive_failures: 0 };
  /** Messages that could not be read (not JSON, no such field, not a number, not a Sparkplug payload). */
  private malformedCount = 0;
  private rebirthsRequested = 0;
  private lastValueAt: number | null = null;
  private lastError: string | null = null;
  private nextRetryAt: number | null = null;
  private stateTimestamp = 0;
  private pending: IngestedSample[] = [];
  private flushScheduled = false;
  private publishing: Promise<void> | null = null;
  private drainWaiters: (() => void)[] = [];
  private readonly sparkplug = sparkplugCodec('spBv1.0')!;

  constructor(
    readonly device: MqttDeviceDto,
    tags: readonly MqttTag[],
    private readonly deps: MqttSourceDeps,
    private readonly opts: MqttConnectionOptions = {},
    carry?: SourceCarryOver,
    taken: MqttCarry = {},
  ) {
    this.tagsById = new Map(tags.map((t) => [t.sensor_id, t]));
    if (device.mode === 'sparkplug') {
      const bindings: SparkplugBinding[] = [];
      for (const t of tags) {
        const b = t.source;
        const error = mqttBindingError('sparkplug', b);
        if (error) this.refuseLater(t, error);
        else if (b.edge_node_id && b.metric) bindings.push({ sensor_id: t.sensor_id, edge_node_id: b.edge_node_id, metric: b.metric, ...(b.device_id ? { device_id: b.device_id } : {}) });
      }
      if (taken.host && taken.host.groupId === (device.group_id ?? '')) {
        taken.host.bind(bindings);
        this.host = taken.host;
      } else this.host = new SparkplugHost(device.group_id ?? '', bindings);
      this.saveHost = taken.save;
      this.savedRevision = this.host.revision;
    } else {
      for (const t of tags) {
        const error = mqttBindingError('plain', t.source);
        if (error) {
          this.refuseLater(t, error);
          continue;
        }
        const topic = t.source.topic!;
        const sel: PlainSelector = {
          value: t.source.value_path ? parseJsonPath(t.source.value_path) : null,
          timestamp: t.source.timestamp_path ? parseJsonPath(t.source.timestamp_path) : null,
        };
        const entry = { tag: t, topic, sel };
        this.plain.push(entry);
        if (/[+#]/.test(topic)) this.plainWild.push(entry);
        else this.plainExact.set(topic, [...(this.plainExact.get(topic) ?? []), entry]);
      }
    }
    this.health = new CommHealth(this.tagsById, carry);
  }

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private get maxPending(): number {
    return this.opts.maxPendingSamples ?? Math.max(10_000, 10 * this.tagsById.size);
  }

  start(): void {
    if (!this.device.enabled) {
      this.health.state = 'disabled';
      return;
    }
    for (const [id, reason] of this.deferredRefusals) this.refuse(this.tagsById.get(id)!, reason, this.now);
    // Births taken over (a restart for a registry change, or from the disk) may hold metrics a new rule adopts.
    if (this.host && this.deps.birthsChanged) {
      const known = this.host.discovered();
      if (known.length) this.deps.birthsChanged(this.device, known);
    }
    this.connectSoon(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    const publisher = this.publisher;
    this.gen++;
    this.client = null;
    this.publisher = null;
    // What was taken from the broker goes into the pipeline before the session is left.
    while (this.publishing || this.pending.length) {
      if (!this.publishing) this.publishing = this.flush().finally(() => (this.publishing = null));
      await this.publishing;
    }
    this.releaseWaiters();
    // The last seq too, so the next process checks the queued data's sequence from where this one stopped.
    if (this.host) this.saveHost?.(this.host);
    if (client) {
      if (publisher && this.host && client.connected) {
        await Promise.race([publisher.state(this.hostId, false, this.stateTimestamp).catch(() => undefined), delay(1000)]);
      }
      await Promise.race([client.endAsync(false).catch(() => undefined), delay(2000)]);
      client.end(true);
    }
  }

  status(): DeviceStatusDto {
    return {
      device_id: this.device.id,
      name: this.device.name,
      state: this.health.state,
      connected: this.health.state === 'connected',
      // For a subscription: the last value, batches handed on, messages received, subscriptions.
      last_good_poll_at: this.lastValueAt,
      last_error: this.lastError,
      ...this.counters,
      last_poll_duration_ms: null,
      requests_per_poll: this.subscriptions().length,
      tags: this.tagsById.size,
      next_retry_at: this.health.state === 'comm_failure' || this.counters.consecutive_failures > 0 ? this.nextRetryAt : null,
    };
  }

  /** MQTT-specific counters: unreadable messages and rebirth requests sent. */
  stats(): { malformed: number; rebirths_requested: number; messages: number } {
    return { malformed: this.malformedCount, rebirths_requested: this.rebirthsRequested, messages: this.counters.requests };
  }

  /** The Sparkplug host state, for the connection that replaces this one (null in plain mode). */
  sparkplugHost(): SparkplugHost | null {
    return this.host;
  }

  /** The metrics announced by the edge nodes' births (Sparkplug mode), for adopting them as tags. */
  discovered(): DiscoveredMetric[] {
    return this.host?.discovered() ?? [];
  }

  carryOver(): SourceCarryOver {
    return this.health.carryOver();
  }

  private get hostId(): string {
    return this.device.host_id || DEFAULT_HOST_ID;
  }

  /** The topic filters subscribed: the tags' topics, or the whole Sparkplug group (and nothing else). */
  private subscriptions(): string[] {
    if (this.host) return [`${SPARKPLUG_NAMESPACE}/${this.host.groupId}/#`];
    return [...new Set(this.plain.map((p) => p.topic))];
  }

  private connectSoon(delayMs: number): void {
    if (this.stopped) return;
    this.nextRetryAt = this.now + delayMs;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delayMs);
  }

  private clientOptions(): IClientOptions {
    const d = this.device;
    this.stateTimestamp = this.now;
    return {
      clientId: d.client_id,
      clean: false, // persistent session: the broker queues QoS 1 messages while IDM is away
      protocolVersion: 4, // 3.1.1: a persistent session lasts until the broker expires it (5 needs an expiry)
      reconnectPeriod: 0, // reconnects are this connection's (backoff, comm failure)
      connectTimeout: d.timeout_ms,
      keepalive: Math.max(2, Math.ceil(d.timeout_ms / 1000)),
      ...(d.username ? { username: d.username, password: d.password } : {}),
      ...(d.tls_ca ? { ca: pem(d.tls_ca) } : {}),
      ...(d.tls_cert ? { cert: pem(d.tls_cert) } : {}),
      ...(d.tls_key ? { key: pem(d.tls_key) } : {}),
      rejectUnauthorized: d.tls_reject_unauthorized ?? true,
      ...(this.host
        ? { will: { topic: stateTopic(this.hostId), payload: Buffer.from(statePayload(false, this.stateTimestamp)), qos: 1 as const, retain: true } }
        : {}),
    };
  }

  private connect(): void {
    const gen = ++this.gen;
    let client: MqttClient;
    try {
      client = connect(this.device.broker_url, this.clientOptions());
    } catch (err) {
      void this.failed(`${this.device.broker_url}: ${(err as Error).message}`);
      return;
    }
    this.client = client;
    const publisher = hostPublisher(client);
    this.publisher = publisher;
    // The ack (PUBACK) is sent when the callback is called: only after the message's samples are queued.
    client.handleMessage = (packet: IPublishPacket, callback: (err?: Error) => void) => {
      corkUntilImmediate(client.stream);
      this.onMessage(gen, packet.topic, packet.payload as Buffer);
      if (this.pending.length < this.maxPending || gen !== this.gen) callback();
      else this.drainWaiters.push(() => callback());
    };
    client.on('packetsend', (p: Packet) => this.opts.onSend?.(this.device, p));
    let lastError = '';
    client.on('error', (err) => (lastError = err.message));
    client.on('close', () => this.onLost(gen, lastError || 'connection closed'));
    client.on('connect', () => void this.onConnected(gen, client, publisher));
  }

  private async onConnected(gen: number, client: MqttClient, publisher: HostPublisher): Promise<void> {
    try {
      const subs = this.subscriptions();
      if (subs.length) {
        const granted = await client.subscribeAsync(subs, { qos: 1 });
        const refused = granted.filter((g) => g.qos === 128);
        if (refused.length) this.deps.onError?.(this.device, `broker refused the subscription to ${refused.map((g) => g.topic).join(', ')}`);
      }
      // Sparkplug 3.0: the host publishes its STATE birth after subscribing (the will carries the same timestamp).
      if (this.host) await publisher.state(this.hostId, true, this.stateTimestamp);
    } catch (err) {
      if (gen === this.gen) this.deps.onError?.(this.device, `subscribe failed: ${(err as Error).message}`);
      client.end(true);
      return;
    }
    if (gen !== this.gen || this.stopped) return;
    this.counters.consecutive_failures = 0;
    this.nextRetryAt = null;
    this.lastError = null;
    const downMs = this.health.restored(this.now);
    if (downMs !== null) this.deps.commRestored(this.device, this.now, downMs);
  }

  private onMessage(gen: number, topic: string, payload: Buffer): void {
    if (gen !== this.gen || this.stopped) return;
    this.counters.requests++;
    try {
      if (this.host) this.onSparkplug(topic, payload);
      else this.onPlain(topic, payload);
    } catch (err) {
      // Never out of the handler: one bad message must not stop the others.
      this.malformed(topic, (err as Error).message);
    }
  }

  private onPlain(topic: string, payload: Buffer): void {
    const now = this.now;
    let parsed: { doc?: unknown; error?: string } | undefined;
    const exact = this.plainExact.get(topic);
    const matching = this.plainWild.length ? [...(exact ?? []), ...this.plainWild.filter((p) => topicMatches(p.topic, topic))] : (exact ?? []);
    for (const p of matching) {
      if (p.sel.value || p.sel.timestamp) parsed ??= parseJson(payload.toString('utf8'));
      const r = readPlain(payload, p.sel, parsed);
      if (!r.ok) {
        this.malformed(topic, `${p.tag.sensor_id}: ${r.error}`);
        continue;
      }
      this.value(p.tag, r.value, r.timestamp ?? now);
    }
  }

  private onSparkplug(topic: string, payload: Buffer): void {
    const t = parseSparkplugTopic(topic);
    if (!t) return; // STATE of other hosts, or not Sparkplug
    if (t.type === 'NCMD' || t.type === 'DCMD') return;
    let decoded: unknown;
    try {
      decoded = this.sparkplug.decodePayload(payload);
    } catch (err) {
      this.malformed(topic, `not a Sparkplug B payload: ${(err as Error).message}`);
      return;
    }
    const host = this.host!;
    const events = host.handle(t, normalizeSparkplugPayload(decoded), this.now);
    if (host.revision !== this.savedRevision) {
      this.savedRevision = host.revision;
      this.saveHost?.(host);
      this.deps.birthsChanged?.(this.device, host.discovered());
    }
    this.apply(events);
  }

  private apply(events: HostEvent[]): void {
    for (const e of events) {
      switch (e.kind) {
        case 'sample': {
          const tag = this.tagsById.get(e.sensor_id)!;
          if (e.raw === null) this.queue(this.sample(tag.sensor_id, this.health.last.get(tag.sensor_id) ?? 0, 'bad', e.timestamp));
          else this.value(tag, e.raw, e.timestamp);
          break;
        }
        case 'refused':
          this.refuse(this.tagsById.get(e.sensor_id)!, e.error, e.timestamp);
          break;
        case 'offline':
          this.scopeDownSince.set(e.scope, e.at);
          // One batch, one report: every tag of the node or device at once.
          this.queue(...e.sensor_ids.map((id) => this.sample(id, this.health.last.get(id) ?? 0, 'comm_failure', e.at)));
          if (this.deps.scopeFailed) this.deps.scopeFailed(this.device, e.scope, e.sensor_ids, e.at, e.reason);
          else this.deps.onError?.(this.device, `${e.reason}: ${e.sensor_ids.length} tags in comm failure`);
          break;
        case 'online': {
          const since = this.scopeDownSince.get(e.scope) ?? e.at;
          this.scopeDownSince.delete(e.scope);
          this.deps.scopeRestored?.(this.device, e.scope, e.sensor_ids, e.at, e.at - since);
          break;
        }
        case 'rebirth':
          this.requestRebirth(e.edge_node_id, e.reason);
          break;
        case 'error':
          this.counters.errors++;
          this.deps.onError?.(this.device, e.message);
          break;
      }
    }
  }

  /** The only message IDM sends to an edge node, and only when the device allows it. */
  private requestRebirth(edgeNode: string, reason: string): void {
    this.counters.errors++;
    if (this.device.rebirth_requests === false) {
      this.deps.onError?.(this.device, `edge node "${edgeNode}" needs a rebirth (${reason}), but rebirth requests are turned off`);
      return;
    }
    const publisher = this.publisher;
    if (!publisher) return;
    this.rebirthsRequested++;
    this.deps.onError?.(this.device, `asking edge node "${edgeNode}" for a rebirth: ${reason}`);
    publisher.rebirth(this.host!.groupId, edgeNode, this.now).catch((err) => this.deps.onError?.(this.device, `rebirth request to "${edgeNode}" failed: ${(err as Error).message}`));
  }

  private value(tag: MqttTag, raw: number, timestamp: number): void {
    const r = engineering(tag, raw);
    this.refused.delete(tag.sensor_id);
    if (r.quality === 'good') this.health.last.set(tag.sensor_id, r.value);
    this.lastValueAt = this.now;
    this.queue(this.sample(tag.sensor_id, r.value, r.quality, timestamp));
  }

  /** Counted and logged with the topic; the tag keeps its last value, the other tags go on. */
  private malformed(topic: string, why: string): void {
    this.malformedCount++;
    this.counters.errors++;
    this.deps.onError?.(this.device, `malformed message on ${topic}: ${why}`);
  }

  private readonly deferredRefusals = new Map<string, string>();
  /** A binding that cannot work is reported once the connection starts (constructors report nothing). */
  private refuseLater(tag: MqttTag, reason: string): void {
    this.deferredRefusals.set(tag.sensor_id, reason);
  }

  /** A tag that cannot be read: published bad and logged once per reason. */
  private refuse(tag: MqttTag, reason: string, at: number): void {
    if (this.refused.get(tag.sensor_id) === reason) return;
    this.refused.set(tag.sensor_id, reason);
    this.counters.errors++;
    this.deps.onError?.(this.device, `${tag.sensor_id}: ${reason}`);
    this.queue(this.sample(tag.sensor_id, this.health.last.get(tag.sensor_id) ?? 0, 'bad', at));
  }

  private onLost(gen: number, reason: string): void {
    if (gen !== this.gen || this.stopped) return;
    this.gen++; // events of the lost client are ignored from here on
    void this.failed(`${this.device.broker_url}: ${reason}`);
  }

  private async failed(reason: string): Promise<void> {
    const at = this.now;
    this.counters.errors++;
    this.counters.consecutive_failures++;
    this.lastError = reason;
    this.deps.onError?.(this.device, reason);
    const client = this.client;
    this.client = null;
    this.publisher = null;
    client?.end(true);
    this.releaseWaiters();
    if (this.stopped) return;
    this.connectSoon(backoffDelay(this.counters.consecutive_failures - 1, this.opts.backoff ?? DEFAULT_BACKOFF, this.opts.random));
    this.reportFailure(at, reason);
  }

  /** Messages held back for a full queue: the client is gone, so they stay unacknowledged (the broker redelivers). */
  private releaseWaiters(): void {
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const f of w) f();
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
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // One batch per burst of messages (those parsed from one socket read arrive in the same tick).
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.publishing) this.publishing = this.flush().finally(() => (this.publishing = null));
    });
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
      if (this.pending.length < this.maxPending) this.releaseWaiters();
    }
  }

  private sample(sensor_id: string, value: number, quality: SampleQuality, timestamp: number): IngestedSample {
    // A tag's id (its hash already cached): a cheap probe here, and detection indexes its state directly.
    return ingestedSample(sensor_id, timestamp, value, quality, 'mqtt', undefined, sensorIndex(sensor_id));
  }
}

/**
 * Holds the socket's writes until the messages of this socket read are handled, then sends them in one write.
 * mqtt.js writes each PUBACK on its own (one writev system call per message, the largest single cost of a
 * one-value message in the profile); corked, the acks of a burst go out together, each still only after its
 * message's samples are queued. Nested cork/uncork pairs (mqtt-packet corks each packet) are counted by the
 * stream, so it flushes at this uncork.
 */
const corked = new WeakSet<object>();
export function corkUntilImmediate(stream: { cork?(): void; uncork?(): void } | undefined): void {
  if (!stream?.cork || !stream.uncork || corked.has(stream)) return;
  corked.add(stream);
  stream.cork();
  setImmediate(() => {
    corked.delete(stream);
    stream.uncork!();
  });
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
