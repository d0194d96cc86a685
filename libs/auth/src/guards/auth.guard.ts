import { ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import { timingSafeEqual } from 'node:crypto';
import { AppConfig, IS_PUBLIC_KEY, ROLES_KEY, SCRAPE_TOKEN_KEY } from '@idm/core';
import type { AuthUser } from '@idm/core';
import { satisfiesRoles } from '@idm/contracts';
import type { Role } from '@idm/contracts';
import { AUTH_MESSAGES, AuthFailure } from '../sessions/access-tokens.service';
import { forbiddenMessage } from './forbidden-message';
import { WsAuthGuard } from './ws-auth.guard';

/**
 * The global guard (APP_GUARD): denies by default. `@Public()` routes pass; every other REST route needs
 * a valid access token (passport-jwt), and `@Roles()` a high enough role. Socket events: `WsAuthGuard`.
 */
@Injectable()
export class AuthGuard extends PassportAuthGuard('jwt') {
  private readonly ws: WsAuthGuard;

  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {
    super();
    this.ws = new WsAuthGuard(reflector);
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const required = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];

    // Nest runs APP_GUARDs for HTTP only today; gateways get WsAuthGuard. Should that change, same rules.
    if (ctx.getType() === 'ws') return this.ws.canActivate(ctx);
    if (ctx.getType() !== 'http') return false;
    if (this.reflector.getAllAndOverride<boolean>(SCRAPE_TOKEN_KEY, targets) && this.isScrapeToken(ctx)) return true;

    await (super.canActivate(ctx) as Promise<boolean>);
    const user = ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
    if (!satisfiesRoles(user.roles, required)) throw new ForbiddenException({ message: forbiddenMessage(user, required) });
    return true;
  }

  private isScrapeToken(ctx: ExecutionContext): boolean {
    const expected = this.config.metricsToken;
    const header = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization;
    if (!expected || !header?.startsWith('Bearer ')) return false;
    const sent = Buffer.from(header.slice(7));
    const want = Buffer.from(expected);
    return sent.length === want.length && timingSafeEqual(sent, want);
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
