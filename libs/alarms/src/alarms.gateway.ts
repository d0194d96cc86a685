import { Inject, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import type Redis from 'ioredis';
import type { Subscription } from 'rxjs';
import { SocketAuth } from '@idm/auth';
import type { AlarmEventDto, ClientToServerEvents, ServerToClientEvents } from '@idm/contracts';
import { AppConfig, AuthUser, REDIS_CLIENT } from '@idm/core';
import type { Alarm } from './alarm.schema';
import { AlarmsService } from './alarms.service';

/** Between IDM instances, through the Redis adapter (never seen by clients). */
interface InterServerEvents {
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
    if (this.config.socketRedisAdapter) this.relayAlarmChanges();
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
