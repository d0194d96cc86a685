import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC_KEY = 'idm:isPublic';
/** OpenAPI extension marking a public route; `setupOpenApi` leaves it without a security requirement. */
export const PUBLIC_EXTENSION = 'x-idm-public';

/** Marks a route as reachable without authentication; every other route is denied by default. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC_KEY, true), ApiExtension(PUBLIC_EXTENSION, true)) as MethodDecorator & ClassDecorator;
