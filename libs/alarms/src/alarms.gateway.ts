import { Inject, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import type Redis from 'ioredis';
import type { Subscription } from 'rxjs';
import { SocketAuth } from '@idm/auth';
import type { AlarmEventDto, ClientToServerEvents, LiveSampleDto, ServerToClientEvents } from '@idm/contracts';
import { AppConfig, AuthUser, REDIS_CLIENT } from '@idm/core';
import type { Alarm } from './alarm.schema';
import { AlarmsService } from './alarms.service';
import { LiveSamples } from './live-samples';

/** Between IDM instances, through the Redis adapter (never seen by clients). */
interface InterServerEvents {
  'samples:ingested': (samples: LiveSampleDto[]) => void;
  'alarms:changed': (record: Alarm) => void;
}
type IdmSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, { user?: AuthUser }>;

/** During a flood, events are sent in batches at this pace so screens stay responsive. */
const FLOOD_BATCH_MS = 1000;

/**
 * Pushes alarms to control-room screens: a snapshot on connect, then numbered `alarm` events; a client
 * that reconnects sends its last sequence number and gets exactly what it missed. Authentication happens
 * in the handshake (the auth module's socket middleware puts the user on `socket.data.user`).
 */
@WebSocketGateway({ cors: { origin: true, credentials: true } })
export class AlarmsGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly logger = new Logger('AlarmsGateway');
  @WebSocketServer() private server!: Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents>;
  private subs: Subscription[] = [];
  private floodBuffer: AlarmEventDto[] = [];
  private floodTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly alarms: AlarmsService,
    private readonly live: LiveSamples,
    private readonly socketAuth: SocketAuth,
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  afterInit(server: Server): void {
    // The handshake must carry a valid access token; the user lands on socket.data.user.
    this.socketAuth.protect(server);
    this.subs.push(
      this.alarms.events$.subscribe((e) => this.push(e)),
      this.alarms.flood$.subscribe((f) => {
        this.server.emit('alarms:flood', f);
        if (!f.active) this.flushFlood();
      }),
    );
    if (this.config.socketRedisAdapter) {
      this.relayLiveSamples();
      this.relayAlarmChanges();
    }
  }

  onModuleDestroy(): void {
    this.subs.forEach((s) => s.unsubscribe());
    if (this.floodTimer) clearTimeout(this.floodTimer);
  }

  async handleConnection(socket: IdmSocket): Promise<void> {
    if (!socket.data.user) {
      // Defence in depth: the handshake middleware refuses these before we get here.
      socket.disconnect(true);
      return;
    }
    const seq = await this.alarms.currentSeq();
    socket.emit('alarms:snapshot', { seq, alarms: this.alarms.list(), flood: this.alarms.inFlood });
    socket.on('disconnect', () => this.live.dropSocket(socket.id));
  }

  @SubscribeMessage('alarms:resume')
  async resume(@ConnectedSocket() socket: IdmSocket, @MessageBody() body: { last_seq?: unknown }): Promise<{ replayed: number; snapshot: boolean }> {
    const last = Number(body?.last_seq);
    if (!Number.isInteger(last) || last < 0) return this.sendSnapshot(socket);
    const { events, complete } = await this.alarms.eventsSince(last);
    if (!complete) return this.sendSnapshot(socket);
    for (const e of events) socket.emit('alarm', e);
    return { replayed: events.length, snapshot: false };
  }

  @SubscribeMessage('samples:subscribe')
  subscribeSamples(@ConnectedSocket() socket: IdmSocket, @MessageBody() body: { sensor_ids?: unknown; min_interval_ms?: unknown }): { ok: boolean; message?: string } {
    const ids = body?.sensor_ids;
    if (!Array.isArray(ids) || !ids.length || ids.length > 5000 || !ids.every((i) => typeof i === 'string' && i.length > 0 && i.length <= 200)) {
      return { ok: false, message: 'sensor_ids must be a non-empty array of at most 5000 sensor ids' };
    }
    const interval = body.min_interval_ms === undefined ? 250 : Number(body.min_interval_ms);
    if (!Number.isFinite(interval) || interval < 50 || interval > 60_000) {
      return { ok: false, message: 'min_interval_ms must be between 50 and 60000' };
    }
    this.live.subscribe(socket, ids as string[], interval);
    return { ok: true };
  }

  @SubscribeMessage('samples:unsubscribe')
  unsubscribeSamples(@ConnectedSocket() socket: IdmSocket, @MessageBody() body: { sensor_ids?: unknown }): { ok: boolean } {
    const ids = Array.isArray(body?.sensor_ids) ? body.sensor_ids.filter((i): i is string => typeof i === 'string') : [];
    this.live.unsubscribe(socket.id, ids);
    return { ok: true };
  }

  /**
   * Several instances: the Redis adapter carries alarm events to every instance's sockets, but a sample's
   * throttle belongs to each subscribing socket, so the samples themselves go to the other instances,
   * which throttle them for their own sockets. A live value is worth nothing late: while Redis is away,
   * none are queued for the others.
   */
  private relayLiveSamples(): void {
    this.server.on('samples:ingested', (samples) => this.live.deliver(samples));
    this.live.relayTo((samples) => {
      if (this.redis.status === 'ready') this.server.serverSideEmit('samples:ingested', samples);
    });
  }

  /**
   * Several instances: the writer sends every alarm record it changed to the others, which take it into
   * their in-memory view, so a snapshot or `GET /alarms` on any instance is current. Their screens already
   * got the events through the adapter; nothing is pushed or written again. A change lost while Redis is
   * away is made good by the alarm's next change (the whole record travels).
   */
  private relayAlarmChanges(): void {
    this.server.on('alarms:changed', (record) => {
      if (isAlarmRecord(record)) this.alarms.applyRelayed(record);
      else this.logger.warn('ignored a malformed alarm record from another instance');
    });
    this.subs.push(
      this.alarms.changed$.subscribe((record) => {
        if (this.redis.status === 'ready') this.server.serverSideEmit('alarms:changed', record);
      }),
    );
  }

  private async sendSnapshot(socket: IdmSocket): Promise<{ replayed: number; snapshot: boolean }> {
    const seq = await this.alarms.currentSeq();
    socket.emit('alarms:snapshot', { seq, alarms: this.alarms.list(), flood: this.alarms.inFlood });
    return { replayed: 0, snapshot: true };
  }

  private push(e: AlarmEventDto): void {
    if (!this.alarms.inFlood) {
      this.server.emit('alarm', e);
      return;
    }
    this.floodBuffer.push(e);
    this.floodTimer ??= setTimeout(() => this.flushFlood(), FLOOD_BATCH_MS);
  }

  private flushFlood(): void {
    if (this.floodTimer) clearTimeout(this.floodTimer);
    this.floodTimer = null;
    if (!this.floodBuffer.length) return;
    const events = this.floodBuffer;
    this.floodBuffer = [];
    this.server.emit('alarms:batch', { flood: this.alarms.inFlood, events });
    this.logger.debug(`flood batch of ${events.length} alarm events sent`);
  }
}

function isAlarmRecord(r: unknown): r is Alarm {
  if (typeof r !== 'object' || r === null) return false;
  const a = r as Partial<Alarm>;
  return typeof a._id === 'string' && typeof a.updated_at === 'number' && typeof a.state === 'string' && Array.isArray(a.anomaly_ids);
}
