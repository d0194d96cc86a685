import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '@idm/core';
import { WindowCounters } from './window-counters';

export interface ThrottleLimits {
  /** Failed logins allowed per account within the window. */
  perUser: number;
  /** Failed logins allowed per client IP within the window (a control room shares one address). */
  perIp: number;
  windowSeconds: number;
  /** Redis key prefix, e.g. `idm:<database>:login:` so test databases do not share counters. */
  prefix: string;
}

export const LOGIN_THROTTLE_LIMITS = Symbol('LOGIN_THROTTLE_LIMITS');

/**
 * Failed-login counters per account and per client IP, in a fixed window that starts at the first failure.
 * Once a counter reaches its limit, logins for that account or from that IP are refused with 429 until the
 * window ends, even with the right password.
 *
 * The counters live in Redis (shared by every IDM process) and in this process' memory. A decision takes
 * the higher of the two, so the limits hold while Redis is unreachable (it used to fail open: 15 wrong
 * passwords, no 429) and the failures counted meanwhile still count when it is back. The account is the
 * caller's to name (see AuthService): one account has one counter whether it is tried by username or e-mail.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger('LoginThrottle');
  private readonly memory: WindowCounters;
  private redisDown = false;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(LOGIN_THROTTLE_LIMITS) private readonly limits: ThrottleLimits,
  ) {
    this.memory = new WindowCounters(limits.windowSeconds * 1000);
  }

  /** Seconds to wait before trying again, or 0 when a login may be attempted now. */
  async retryAfter(ip: string, account: string, now = Date.now()): Promise<number> {
    const keys = [this.accountKey(account), this.ipKey(ip)];
    const caps = [this.limits.perUser, this.limits.perIp];
    const local = keys.map((k) => this.memory.get(k, now));
    const shared = await this.fromRedis(keys, caps);
    let blocked = false;
    let waitMs = 0;
    for (let i = 0; i < keys.length; i++) {
      if (local[i].count >= caps[i]) [blocked, waitMs] = [true, Math.max(waitMs, local[i].endsAt - now)];
      if (shared && shared[i].count >= caps[i]) [blocked, waitMs] = [true, Math.max(waitMs, shared[i].ttlMs)];
    }
    return blocked ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
  }

  async recordFailure(ip: string, account: string, now = Date.now()): Promise<void> {
    const keys = [this.accountKey(account), this.ipKey(ip)];
    for (const k of keys) this.memory.hit(k, now);
    const w = this.limits.windowSeconds;
    await this.redisCall(() => this.redis.multi().incr(keys[0]).expire(keys[0], w, 'NX').incr(keys[1]).expire(keys[1], w, 'NX').exec());
  }

  /** A successful login clears its account's counter (not the IP's: other accounts may be under attack). */
  async recordSuccess(account: string): Promise<void> {
    this.memory.delete(this.accountKey(account));
    await this.redisCall(() => this.redis.del(this.accountKey(account)));
  }

  private async fromRedis(keys: string[], caps: number[]): Promise<{ count: number; ttlMs: number }[] | null> {
    return this.redisCall(async () => {
      const counts = await this.redis.mget(...keys);
      return Promise.all(keys.map(async (k, i) => {
        const count = Number(counts[i] ?? 0);
        return { count, ttlMs: count >= caps[i] ? Math.max(await this.redis.pttl(k), 0) : 0 };
      }));
    });
  }

  /** Runs a Redis command; null when Redis is unreachable (the memory counters then decide alone). */
  private async redisCall<T>(fn: () => Promise<T>): Promise<T | null> {
    try {
      const result = await fn();
      if (this.redisDown) this.logger.log('login throttle: Redis answers again');
      this.redisDown = false;
      return result;
    } catch (err) {
      if (!this.redisDown) this.logger.warn(`login throttle: Redis unreachable (${String(err)}); counting failed logins in this process' memory`);
      this.redisDown = true;
      return null;
    }
  }

  private accountKey(account: string): string {
    return `${this.limits.prefix}user:${account}`;
  }

  private ipKey(ip: string): string {
    return `${this.limits.prefix}ip:${ip}`;
  }
}
