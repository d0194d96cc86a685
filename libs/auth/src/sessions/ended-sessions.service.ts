import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, DomainEvents, withTimeout } from '@idm/core';
import { EndedSessionsRepository } from './ended-sessions.repository';

/**
 * How long "this session is live" is believed before the database is asked again. Ends made by this process
 * apply at once; an end made by another IDM instance applies here within this time.
 */
export const SESSION_CHECK_MS = 5000;
const LOOKUP_TIMEOUT_MS = 1000;
const MAX_REMEMBERED = 10_000;
/** After a failed lookup the database is left alone this long, so an outage costs no request a second. */
const RETRY_AFTER_MS = 2000;

/**
 * Ends access tokens with their session. Access JWTs are stateless for 15 minutes; a replayed refresh token
 * or a logout ends the session's refresh tokens, and this ends its access tokens too: every authenticated
 * request checks its `sid` here (memory first, then an `_id` lookup).
 */
@Injectable()
export class EndedSessions {
  private readonly logger = new Logger('Sessions');
  private readonly known = new Map<string, { ended: boolean; at: number }>();
  private warned = false;
  private dbAwayUntil = 0;

  constructor(
    private readonly repo: EndedSessionsRepository,
    private readonly config: AppConfig,
    private readonly events: DomainEvents,
  ) {}

  async end(sessionId: string, reason: string, now = Date.now()): Promise<void> {
    this.remember(sessionId, true, now);
    await this.repo.insert({
      _id: sessionId,
      ended_at: new Date(now),
      reason,
      expires_at: new Date(now + this.config.jwt.accessTtlSeconds * 1000),
    });
    this.events.emit('session.ended', { session_id: sessionId, reason, at: now });
  }

  async isEnded(sessionId: string, now = Date.now()): Promise<boolean> {
    const seen = this.known.get(sessionId);
    if (seen && (seen.ended || now - seen.at < SESSION_CHECK_MS)) return seen.ended;
    if (now < this.dbAwayUntil) return seen?.ended ?? false;
    let ended: boolean;
    try {
      ended = await withTimeout(this.repo.exists(sessionId), LOOKUP_TIMEOUT_MS);
    } catch (err) {
      // Fail static, as UserLookup does for the user: a database outage must not sign the plant out.
      if (!this.warned) this.logger.warn(`ended-session check failed (${err instanceof Error ? err.message : String(err)}): sessions count as live until the database answers`);
      this.warned = true;
      this.dbAwayUntil = Date.now() + RETRY_AFTER_MS;
      return seen?.ended ?? false;
    }
    this.warned = false;
    this.remember(sessionId, ended, Date.now());
    return ended;
  }

  deleteExpired(before: Date): Promise<number> {
    return this.repo.deleteExpired(before);
  }

  private remember(sessionId: string, ended: boolean, at: number): void {
    this.known.delete(sessionId);
    this.known.set(sessionId, { ended, at });
    if (this.known.size > MAX_REMEMBERED) this.known.delete(this.known.keys().next().value as string);
  }
}
