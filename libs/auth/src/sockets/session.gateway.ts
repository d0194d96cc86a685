import { OnGatewayConnection, OnGatewayInit, SubscribeMessage, WebSocketGateway, ConnectedSocket } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import type { AuthUser } from '@idm/core';
import type { SessionEvent } from '@idm/contracts';
import { SocketAuth } from './socket-auth.service';

/**
 * Protects IDM's Socket.IO server (every namespace) and tells each client who it is: `session` `{user}`
 * right after connecting, and the same as the acknowledgement of `session:whoami`.
 */
@WebSocketGateway({ cors: { origin: true, credentials: true } })
export class SessionGateway implements OnGatewayInit, OnGatewayConnection {
  constructor(private readonly socketAuth: SocketAuth) {}

  afterInit(server: Server): void {
    this.socketAuth.protect(server);
  }

  handleConnection(socket: Socket): void {
    const user = (socket.data as { user?: AuthUser }).user;
    if (user) socket.emit('session', toSession(user));
  }

  @SubscribeMessage('session:whoami')
  whoami(@ConnectedSocket() socket: Socket): SessionEvent {
    return toSession((socket.data as { user: AuthUser }).user);
  }
}

function toSession(user: AuthUser): SessionEvent {
  return { user: { id: user.id, username: user.username, roles: user.roles } };
}
