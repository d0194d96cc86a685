import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { Namespace, Server, Socket } from 'socket.io';
import { DomainEvents } from '@idm/core';
import type { AuthUser } from '@idm/core';
import { AccessTokens, AuthFailure } from '../sessions/access-tokens.service';

const PROTECTED = Symbol('idm.socketAuth');
/** setTimeout's longest delay (~24.8 days); access tokens live minutes to a day. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The room each authenticated socket joins, so a user's sockets can be reached (disable, role change). */
export const userRoom = (userId: string): string => `user:${userId}`;
/** The sockets of one login session (the access token's `sid`), closed when the session ends. */
const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/** The access token of a handshake: `auth.token` (browsers), else an `Authorization: Bearer` header. */
export function handshakeToken(socket: Pick<Socket, 'handshake'>): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string' && fromAuth) return fromAuth.replace(/^Bearer\s+/i, '');
  const header = socket.handshake.headers?.authorization;
  return typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '') : undefined;
}

/**
 * Socket.IO authentication for gateways. `protect(server)` installs a handshake middleware that verifies
 * the access token (refusing a missing, bad or expired one with a `connect_error` whose `data` is IDM's
 * error shape) and puts the `AuthUser` on `socket.data.user`; roles of `@SubscribeMessage` handlers are
 * then enforced by the global guard (`@Roles()` as on REST routes). Protecting the root server also
 * protects every namespace created on it. Disabling a user or ending a session disconnects their sockets; a role change
 * updates `socket.data.user` of open ones; a socket is closed when its access token expires.
 */
@Injectable()
export class SocketAuth implements OnModuleDestroy {
  private readonly logger = new Logger('SocketAuth');
  private readonly namespaces = new Set<Namespace>();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly tokens: AccessTokens,
    events: DomainEvents,
  ) {
    this.unsubscribe = [
      events.on('user.disabled', async ({ user_id }) => {
        for (const ns of this.namespaces) ns.in(userRoom(user_id)).disconnectSockets(true);
      }),
      events.on('session.ended', async ({ session_id }) => {
        for (const ns of this.namespaces) ns.in(sessionRoom(session_id)).disconnectSockets(true);
      }),
      events.on('user.roles_changed', async ({ user_id, roles }) => {
        for (const ns of this.namespaces) {
          for (const s of await ns.in(userRoom(user_id)).fetchSockets()) {
            const user = (s.data as { user?: AuthUser }).user;
            if (user) user.roles = roles;
          }
        }
      }),
    ];
  }

  onModuleDestroy(): void {
    this.unsubscribe.forEach((u) => u());
  }

  /** Idempotent; pass the gateway's server (`afterInit(server)`), a Server or a Namespace. */
  protect(target: Server | Namespace): void {
    if ('of' in target && typeof (target as Server).of === 'function') {
      const server = target as Server;
      this.protectNamespace(server.of('/'));
      for (const ns of (server as unknown as { _nsps: Map<string, Namespace> })._nsps.values()) this.protectNamespace(ns);
      server.on('new_namespace', (ns: Namespace) => this.protectNamespace(ns));
      return;
    }
    this.protectNamespace(target as Namespace);
  }

  private protectNamespace(ns: Namespace): void {
    const marked = ns as Namespace & { [PROTECTED]?: true };
    if (marked[PROTECTED]) return;
    marked[PROTECTED] = true;
    this.namespaces.add(ns);
    ns.use((socket, next) => {
      const token = handshakeToken(socket);
      this.tokens.authenticate(token).then(
        (user) => {
          socket.data.user = user;
          void socket.join(userRoom(user.id));
          const sessionId = this.tokens.sessionOf(token as string);
          if (sessionId) void socket.join(sessionRoom(sessionId));
          this.endAtExpiry(socket, token as string);
          next();
        },
        (err: unknown) => {
          if (!(err instanceof AuthFailure)) this.logger.error(`socket authentication failed: ${String(err)}`);
          const message = err instanceof AuthFailure ? err.message : 'authentication is unavailable, try again';
          const refused = Object.assign(new Error(message), {
            data: { statusCode: err instanceof AuthFailure ? 401 : 503, error: err instanceof AuthFailure ? 'Unauthorized' : 'Service Unavailable', message },
          });
          next(refused);
        },
      );
    });
  }

  /**
   * A connection lives no longer than its access token: at expiry the server closes it, and the client
   * reconnects with a refreshed token (the handshake checks the user again; alarms resume by sequence).
   */
  private endAtExpiry(socket: Socket, token: string): void {
    const at = this.tokens.expiresAt(token);
    if (at === null) return;
    const timer = setTimeout(() => socket.disconnect(true), Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS));
    timer.unref();
    socket.once('disconnect', () => clearTimeout(timer));
  }
}
