/** Injection token of the shared ioredis client (commands, health). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
/** Injection token of the shared ioredis connection options. */
export const REDIS_OPTIONS = Symbol('REDIS_OPTIONS');
