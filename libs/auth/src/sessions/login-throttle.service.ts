import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '@idm/core';

export interface ThrottleLimits {
  /** Failed logins allowed per username within the window. */
  perUser: number;
  /** Failed logins allowed per client IP within the window (a control room shares one address). */
  perIp: number;
  windowSeconds: number;
  /** Redis key prefix, e.g. `idm:<database>:login:` so test databases do not share counters. */
  prefix: string;
}

export const LOGIN_THROTTLE_LIMITS = Symbol('LOGIN_THROTTLE_LIMITS');

/**
 * Failed-login counters in Redis (shared by every IDM process), per username and per IP, in a fixed
 * window that starts at the first failure. Once a counter reaches its limit, logins for that username or
 * from that IP are refused with 429 until the window ends, even with the right password.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger('LoginThrottle');

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(LOGIN_THROTTLE_LIMITS) private readonly limits: ThrottleLimits,
  ) {}

  /** Seconds to wait before trying again, or 0 when a login may be attempted now. */
  async retryAfter(ip: string, username: string): Promise<number> {
    try {
      const [u, i] = await this.redis.mget(this.userKey(username), this.ipKey(ip));
      const blocked: string[] = [];
      if (Number(u ?? 0) >= this.limits.perUser) blocked.push(this.userKey(username));
      if (Number(i ?? 0) >= this.limits.perIp) blocked.push(this.ipKey(ip));
      if (!blocked.length) return 0;
      const ttls = await Promise.all(blocked.map((k) => this.redis.pttl(k)));
      return Math.max(1, ...ttls.map((ms) => Math.ceil(Math.max(ms, 0) / 1000)));
    } catch (err) {
      // Fail open: a Redis blip must not lock the control room out; it is logged and health shows Redis down.
      this.logger.warn(`login throttle unavailable, not enforced: ${String(err)}`);
      return 0;
    }
  }

  async recordFailure(ip: string, username: string): Promise<void> {
    try {
      const w = this.limits.windowSeconds;
      await this.redis.multi().incr(this.userKey(username)).expire(this.userKey(username), w, 'NX').incr(this.ipKey(ip)).expire(this.ipKey(ip), w, 'NX').exec();
    } catch (err) {
      this.logger.warn(`login throttle unavailable, failure not counted: ${String(err)}`);
    }
  }

  /** A successful login clears its username's counter (not the IP's: other names may be under attack). */
  async recordSuccess(username: string): Promise<void> {
    await this.redis.del(this.userKey(username)).catch(() => undefined);
  }

  private userKey(username: string): string {
    return `${this.limits.prefix}user:${username}`;
  }

  private ipKey(ip: string): string {
    return `${this.limits.prefix}ip:${ip}`;
  }
}
