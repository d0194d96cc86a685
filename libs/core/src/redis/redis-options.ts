import type { RedisOptions } from 'ioredis';

/**
 * The one Redis connection configuration, reused by BullMQ, the Socket.IO adapter and health.
 * BullMQ requires `maxRetriesPerRequest: null` on its blocking connections.
 */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isFinite(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    // Reconnect forever with a capped delay: Redis blinking must not take IDM down.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  };
}
