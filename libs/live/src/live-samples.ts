import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { IngestedSample, LiveSampleDto } from '@idm/contracts';
import { IngestionService, SINK_STAGE } from '@idm/ingestion';

type LiveSocket = Pick<Socket, 'id' | 'emit'>;

interface Subscription {
  socket: LiveSocket;
  minIntervalMs: number;
  /** The socket asked for `samples` arrays (one message per tick) instead of one `sample` each. */
  batch: boolean;
  lastSentAt: number;
  pending: LiveSampleDto | null;
  timer: NodeJS.Timeout | null;
}

/** What one batching socket is due to be sent in the current tick. */
interface Outbox {
  socket: LiveSocket;
  samples: LiveSampleDto[];
}

/**
 * Live samples for the screens a client subscribed to, throttled per subscription: at most one `sample`
 * per sensor per `min_interval_ms`, and the latest value always arrives (trailing send).
 * A client that subscribed with `batch: true` gets everything that falls due in one tick (the direct sends
 * of a batch, the trailing sends whose timers fire together) as one `samples` array: a browser decodes and
 * dispatches one WebSocket message instead of thousands a second.
 * Subscriptions and throttles live where the socket is connected; with several instances, each passes the
 * samples it ingested to the others (`relayTo`), which deliver them to their own sockets (`deliver`).
 */
@Injectable()
export class LiveSamples implements OnModuleInit {
  /** sensor_id → socket id → subscription */
  private readonly bySensor = new Map<string, Map<string, Subscription>>();
  private relay: ((samples: LiveSampleDto[]) => void) | null = null;
  /** socket id → samples due to it, sent at `setImmediate` (after this tick's timers and I/O callbacks). */
  private readonly outboxes = new Map<string, Outbox>();
  private flushScheduled = false;

  constructor(private readonly ingestion: IngestionService) {}

  onModuleInit(): void {
    this.ingestion.register({ name: 'live-samples', stage: SINK_STAGE.live, accept: (batch) => this.ingested(batch) });
  }

  /** Also hands every ingested batch (the latest sample per sensor) to `relay`, for the other instances. */
  relayTo(relay: (samples: LiveSampleDto[]) => void): void {
    this.relay = relay;
  }

  subscribe(socket: LiveSocket, sensorIds: string[], minIntervalMs: number, batch = false): void {
    for (const id of sensorIds) {
      let subs = this.bySensor.get(id);
      if (!subs) this.bySensor.set(id, (subs = new Map()));
      const existing = subs.get(socket.id);
      if (existing) Object.assign(existing, { minIntervalMs, batch });
      else subs.set(socket.id, { socket, minIntervalMs, batch, lastSentAt: 0, pending: null, timer: null });
    }
  }

  unsubscribe(socketId: string, sensorIds: string[]): void {
    for (const id of sensorIds) this.remove(id, socketId);
  }

  dropSocket(socketId: string): void {
    this.outboxes.delete(socketId);
    for (const id of [...this.bySensor.keys()]) this.remove(id, socketId);
  }

  private remove(sensorId: string, socketId: string): void {
    const subs = this.bySensor.get(sensorId);
    const sub = subs?.get(socketId);
    if (!subs || !sub) return;
    if (sub.timer) clearTimeout(sub.timer);
    subs.delete(socketId);
    if (!subs.size) this.bySensor.delete(sensorId);
  }

  /** Offers samples (ingested here or relayed by another instance) to this instance's subscriptions. */
  deliver(samples: readonly LiveSampleDto[]): void {
    if (!this.bySensor.size) return;
    const now = Date.now();
    for (const dto of samples) {
      const subs = this.bySensor.get(dto.sensor_id);
      if (subs) for (const sub of subs.values()) this.offer(sub, dto, now);
    }
  }

  private ingested(batch: readonly IngestedSample[]): void {
    if (!this.bySensor.size && !this.relay) return;
    // A batch arrives at one instant: a screen is sent a sensor's last sample in it, not its first and
    // then its last an interval later.
    const latest = new Map<string, IngestedSample>();
    for (const s of batch) if (this.relay || this.bySensor.has(s.sensor_id)) latest.set(s.sensor_id, s);
    const samples = [...latest.values()].map(toLiveSample);
    this.deliver(samples);
    this.relay?.(samples);
  }

  private offer(sub: Subscription, dto: LiveSampleDto, now: number): void {
    const wait = sub.lastSentAt + sub.minIntervalMs - now;
    if (wait <= 0 && !sub.timer) {
      sub.lastSentAt = now;
      this.send(sub, dto);
      return;
    }
    sub.pending = dto;
    sub.timer ??= setTimeout(() => {
      sub.timer = null;
      if (!sub.pending) return;
      sub.lastSentAt = Date.now();
      this.send(sub, sub.pending);
      sub.pending = null;
    }, Math.max(0, wait));
  }

  private send(sub: Subscription, dto: LiveSampleDto): void {
    if (!sub.batch) {
      sub.socket.emit('sample', dto);
      return;
    }
    let box = this.outboxes.get(sub.socket.id);
    if (!box) this.outboxes.set(sub.socket.id, (box = { socket: sub.socket, samples: [] }));
    box.samples.push(dto);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const [socketId, box] of this.outboxes) {
      // An unsubscribe that came in since: that sensor's sample is not sent, as with a held-back one.
      const samples = box.samples.filter((s) => this.bySensor.get(s.sensor_id)?.has(socketId));
      if (samples.length) box.socket.emit('samples', samples);
    }
    this.outboxes.clear();
  }
}

function toLiveSample(s: IngestedSample): LiveSampleDto {
  return { sensor_id: s.sensor_id, timestamp: new Date(s.timestamp).toISOString(), value: s.value, quality: s.quality, status: s.status ?? 'normal' };
}
