import { Injectable, Logger } from '@nestjs/common';
import { RetryLaterException, withTimeout } from '@idm/core';
import { UserRecord, UsersRepository } from '../users/users.repository';

/** How long a user checked against the database may stand in for it while the database is away. */
export const FAIL_STATIC_MS = 15 * 60_000;
/** A lookup slower than this counts as the database being away (server selection waits 5 s). */
const LOOKUP_TIMEOUT_MS = 1000;
/** After a failed lookup, known users skip the database this long, so an outage costs no request a second. */
const RETRY_AFTER_MS = 2000;
const MAX_REMEMBERED = 10_000;

export const USER_DB_UNAVAILABLE = 'the user database is unreachable and this account was not checked recently: retry when the database is back';

/**
 * Loads the user behind an access token by `_id` on every request, so disabling or changing roles takes
 * effect at once. When the database is unreachable, a user read successfully in the last 15 minutes is
 * served from memory ("fail static", as a control system keeps its last good values): polled and posted
 * samples keep flowing into the historian's journal during a database outage instead of failing.
 */
@Injectable()
export class UserLookup {
  private readonly logger = new Logger('Auth');
  private readonly recent = new Map<string, { user: UserRecord; at: number }>();
  private dbAwayUntil = 0;
  private warned = false;

  constructor(private readonly users: UsersRepository) {}

  async byId(id: string, now = Date.now()): Promise<UserRecord | null> {
    const known = this.recent.get(id);
    const usable = known && now - known.at <= FAIL_STATIC_MS ? known.user : null;
    if (usable && now < this.dbAwayUntil) return usable;
    let user: UserRecord | null;
    try {
      user = await withTimeout(this.users.findById(id), LOOKUP_TIMEOUT_MS);
    } catch (err) {
      this.dbAwayUntil = Date.now() + RETRY_AFTER_MS;
      if (!this.warned) this.logger.warn(`user lookup failed (${err instanceof Error ? err.message : String(err)}): users checked in the last ${FAIL_STATIC_MS / 60_000} min are served from memory until the database answers`);
      this.warned = true;
      if (usable) return usable;
      // 503 with Retry-After (not 401: the token may well be valid; not 500: nothing is broken in IDM).
      throw new RetryLaterException(USER_DB_UNAVAILABLE, RETRY_AFTER_MS / 1000);
    }
    if (this.warned) this.logger.log('user lookups answer again');
    this.warned = false;
    this.dbAwayUntil = 0;
    this.recent.delete(id);
    if (user) {
      this.recent.set(id, { user, at: Date.now() });
      if (this.recent.size > MAX_REMEMBERED) this.recent.delete(this.recent.keys().next().value as string);
    }
    return user;
  }
}
