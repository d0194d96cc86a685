import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Role } from '@idm/contracts';

export const ROLES_KEY = 'idm:roles';
/** OpenAPI extension carrying a route's roles; `setupOpenApi` turns it into the documented requirement. */
export const ROLES_EXTENSION = 'x-idm-roles';

/**
 * The minimum role a route needs. Roles are hierarchical (admin > supervisor > operator > viewer), so
 * `@Roles('operator')` admits operators, supervisors and admins; when several are listed, the least
 * privileged one is the minimum. The auth module's global guard enforces it (for REST routes and
 * `@SubscribeMessage` handlers alike); a route with neither `@Public()` nor `@Roles()` still requires an
 * authenticated user of any role. On a controller class it applies to every route without its own.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ROLES_KEY, roles), ApiExtension(ROLES_EXTENSION, roles)) as MethodDecorator & ClassDecorator;
