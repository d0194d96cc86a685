import { ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import { WsException } from '@nestjs/websockets';
import { IS_PUBLIC_KEY, ROLES_KEY } from '@idm/core';
import type { AuthUser } from '@idm/core';
import { highestRole, ROLES, satisfiesRoles } from '@idm/contracts';
import type { Role } from '@idm/contracts';
import { AUTH_MESSAGES, AuthFailure } from '../sessions/access-tokens.service';

/**
 * The global guard (APP_GUARD): denies by default. `@Public()` routes pass; every other REST route needs
 * a valid access token (passport-jwt), and `@Roles()` a high enough role. `@SubscribeMessage` handlers
 * are checked the same way against `socket.data.user`, set by the handshake middleware.
 */
@Injectable()
export class AuthGuard extends PassportAuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const required = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];

    if (ctx.getType() === 'ws') {
      const user = ctx.switchToWs().getClient<{ data?: { user?: AuthUser } }>().data?.user;
      if (!user) throw new WsException({ statusCode: 401, error: 'Unauthorized', message: AUTH_MESSAGES.missing });
      if (!satisfiesRoles(user.roles, required)) throw new WsException({ statusCode: 403, error: 'Forbidden', message: forbidden(user, required) });
      return true;
    }
    if (ctx.getType() !== 'http') return false;

    await (super.canActivate(ctx) as Promise<boolean>);
    const user = ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
    if (!satisfiesRoles(user.roles, required)) throw new ForbiddenException({ message: forbidden(user, required) });
    return true;
  }

  /** passport's outcome: say plainly why the token was refused. */
  override handleRequest<T = AuthUser>(err: unknown, user: T | false, info: unknown): T {
    if (err instanceof AuthFailure) throw new UnauthorizedException({ message: err.message });
    if (err) throw err;
    if (user) return user;
    const name = (info as { name?: string } | undefined)?.name;
    const message = (info as { message?: string } | undefined)?.message;
    if (name === 'TokenExpiredError') throw new UnauthorizedException({ message: AUTH_MESSAGES.expired });
    if (message === 'No auth token') throw new UnauthorizedException({ message: AUTH_MESSAGES.missing });
    throw new UnauthorizedException({ message: AUTH_MESSAGES.invalid });
  }
}

function forbidden(user: AuthUser, required: Role[]): string {
  const minimum = ROLES[Math.max(...required.map((r) => ROLES.indexOf(r)))];
  return `this needs the ${minimum} role${minimum === 'admin' ? '' : ' or higher'}; you are ${highestRole(user.roles)}`;
}
