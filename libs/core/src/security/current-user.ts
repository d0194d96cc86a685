import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Role } from '@idm/contracts';

/** The authenticated user of a request or socket, as the auth module puts it on `req.user`. */
export interface AuthUser {
  id: string;
  username: string;
  roles: Role[];
}

/** Injects the authenticated user into a controller method (`@CurrentUser() user: AuthUser`). */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser | undefined => {
  if (ctx.getType() === 'ws') return ctx.switchToWs().getClient<{ data?: { user?: AuthUser } }>().data?.user;
  return ctx.switchToHttp().getRequest<{ user?: AuthUser }>().user;
});
