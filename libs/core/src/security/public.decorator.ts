import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'idm:isPublic';

/** Marks a route as reachable without authentication; every other route is denied by default. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
