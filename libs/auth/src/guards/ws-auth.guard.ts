import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WsException } from '@nestjs/websockets';
import { IS_PUBLIC_KEY, ROLES_KEY } from '@idm/core';
import type { AuthUser } from '@idm/core';
import { satisfiesRoles } from '@idm/contracts';
import type { Role } from '@idm/contracts';
import { AUTH_MESSAGES } from '../sessions/access-tokens.service';
import { forbiddenMessage } from './forbidden-message';

/**
 * `@SubscribeMessage` handlers: `@Roles()` as on REST routes, against `socket.data.user` (set by the
 * handshake middleware of `SocketAuth`). Nest does not run APP_GUARDs for gateways, so the auth module
 * attaches this guard to every gateway itself (see `WsGuardInstaller`); a refusal reaches the client as
 * an `exception` event in IDM's error shape.
 */
@Injectable()
export class WsAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'ws') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const required = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    const user = ctx.switchToWs().getClient<{ data?: { user?: AuthUser } }>().data?.user;
    if (!user) throw new WsException({ statusCode: 401, error: 'Unauthorized', message: AUTH_MESSAGES.missing });
    if (!satisfiesRoles(user.roles, required)) throw new WsException({ statusCode: 403, error: 'Forbidden', message: forbiddenMessage(user, required) });
    return true;
  }
}
