import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import type Redis from 'ioredis';
import { SocketAuth } from '@idm/auth';
import type { ClientToServerEvents, LiveSampleDto, ServerToClientEvents } from '@idm/contracts';
import { AppConfig, AuthUser, REDIS_CLIENT, WriterRole } from '@idm/core';
import { LiveSamples } from './live-samples';

/** Between IDM instances, through the Redis adapter (never seen by clients). */
interface InterServerEvents {
  'samples:ingested': (samples: LiveSampleDto[]) => void;
}
type IdmSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, { user?: AuthUser }>;

/**
 * `samples:subscribe` / `samples:unsubscribe` on the default namespace (shared with the alarms gateway: one
 * Socket.IO server, one handshake authentication).
 */
@WebSocketGateway({ cors: { origin: true, credentials: true } })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection {
  @WebSocketServer() private server!: Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents>;

  constructor(
    private readonly live: LiveSamples,
    private readonly socketAuth: SocketAuth,
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly role: WriterRole,
  ) {}

  afterInit(server: Server): void {
    // Idempotent: whichever gateway initialises first protects the shared server.
    this.socketAuth.protect(server);
    if (this.config.socketRedisAdapter) this.relayLiveSamples();
    // IDM_ROLE=auto: each instance tells its own screens (local emit: every instance sees the lease itself).
    if (this.config.role === 'auto') this.role.onChange((e) => void this.server.local.emit('writer:changed', e));
  }

  handleConnection(socket: IdmSocket): void {
    socket.on('disconnect', () => this.live.dropSocket(socket.id));
    if (this.config.role === 'auto') socket.emit('writer:changed', this.role.current());
  }

  @SubscribeMessage('samples:subscribe')
  subscribeSamples(@ConnectedSocket() socket: IdmSocket, @MessageBody() body: { sensor_ids?: unknown; min_interval_ms?: unknown; batch?: unknown }): { ok: boolean; message?: string } {
    const ids = body?.sensor_ids;
    if (!Array.isArray(ids) || !ids.length || ids.length > 5000 || !ids.every((i) => typeof i === 'string' && i.length > 0 && i.length <= 200)) {
      return { ok: false, message: 'sensor_ids must be a non-empty array of at most 5000 sensor ids' };
    }
    const interval = body.min_interval_ms === undefined ? 250 : Number(body.min_interval_ms);
    if (!Number.isFinite(interval) || interval < 50 || interval > 60_000) {
      return { ok: false, message: 'min_interval_ms must be between 50 and 60000' };
    }
    if (body.batch !== undefined && typeof body.batch !== 'boolean') return { ok: false, message: 'batch must be a boolean' };
    this.live.subscribe(socket, ids as string[], interval, body.batch === true);
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
}
