import { SetMetadata } from '@nestjs/common';
import type { Role } from '@idm/contracts';

export const ROLES_KEY = 'idm:roles';

/**
 * The roles allowed to call a route (any of them). The auth module's global guard enforces it; a route
 * with neither `@Public()` nor `@Roles()` still requires an authenticated user of any role.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);
