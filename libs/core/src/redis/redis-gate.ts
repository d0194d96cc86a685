import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RetryLaterException } from '../errors/retry-later.exception';
import { REDIS_CLIENT } from './redis.tokens';

/** What a client is told to wait while Redis is away: about the reconnect delay (redis-options retryStrategy). */
const RETRY_AFTER_S = 5;

/**
 * Refuses, at once, a change that needs Redis (a queued job, a schedule) while Redis is away. BullMQ's own
 * connections wait for Redis rather than fail, so such a request hung for 30 s and more, and its change
 * then took effect once Redis came back, after the client had given up and retried (a duplicate). The
 * shared client fails fast (no offline queue), so its state is the one to ask.
 */
@Injectable()
export class RedisGate {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  get up(): boolean {
    return this.redis.status === 'ready';
  }

  /** Throws a 503 with Retry-After naming `action` unless Redis is connected. */
  assertUp(action: string): void {
    if (!this.up) throw new RetryLaterException(`Redis is unreachable: ${action} is refused (nothing was changed); retry after ${RETRY_AFTER_S} s`, RETRY_AFTER_S);
  }
}
