import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@idm/core';
import type { TokenResponse } from '@idm/contracts';
import { UserRecord } from '../users/users.repository';
import { AccessTokens } from './access-tokens.service';
import { EndedSessions } from './ended-sessions.service';
import { hashRefreshToken, judgeRefreshToken, newRefreshToken, RefreshVerdict } from './refresh-token';
import { RefreshTokensRepository } from './refresh-tokens.repository';

export type RefreshOutcome =
  | { ok: true; userId: string; familyId: string; issue: (user: UserRecord) => Promise<TokenResponse> }
  | { ok: false; reason: Exclude<RefreshVerdict, { ok: true }>['reason'] };

/** Login sessions: refresh token families with rotation and reuse detection. */
@Injectable()
export class SessionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Sessions');
  private cleanup?: NodeJS.Timeout;

  constructor(
    private readonly tokens: RefreshTokensRepository,
    private readonly access: AccessTokens,
    private readonly config: AppConfig,
    private readonly ended: EndedSessions,
  ) {}

  onModuleInit(): void {
    // Rotated tokens are kept until they expire (to recognise their reuse), then deleted hourly.
    this.cleanup = setInterval(() => {
      this.tokens.deleteExpired(new Date()).catch((err: unknown) => this.logger.warn(`refresh token clean-up failed: ${String(err)}`));
      this.ended.deleteExpired(new Date()).catch((err: unknown) => this.logger.warn(`ended session clean-up failed: ${String(err)}`));
    }, 3600_000);
    this.cleanup.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.cleanup);
  }

  /** Starts a new session (family) for a user who just proved their password. */
  async start(user: UserRecord): Promise<TokenResponse> {
    const familyId = randomUUID();
    const refresh = newRefreshToken();
    const hash = hashRefreshToken(refresh);
    // A root's parent_id is its own marker, never another token's hash (the unique index holds one child per token).
    await this.tokens.insert(this.tokenDoc(hash, `root:${hash}`, familyId, String(user._id)));
    return this.response(user, familyId, refresh);
  }

  /**
   * Checks a presented refresh token and claims its single rotation. Reuse of a rotated, revoked or expired
   * token revokes the whole family; the caller then loads the user and calls `issue` for the new pair.
   */
  async rotate(token: string): Promise<RefreshOutcome> {
    const hash = hashRefreshToken(token);
    const doc = await this.tokens.findByHash(hash);
    const now = new Date();
    const verdict = judgeRefreshToken(doc, now);
    if (!verdict.ok) {
      if (doc && 'revokeFamily' in verdict && verdict.revokeFamily) await this.revokeFamilyOf(doc.family_id, verdict.reason, now);
      return { ok: false, reason: verdict.reason };
    }
    const found = doc as NonNullable<typeof doc>;
    const next = newRefreshToken();
    const nextHash = hashRefreshToken(next);
    // The unique parent_id makes this insert the claim: a concurrent refresh with the same token loses here.
    const claimed = await this.tokens.insert(this.tokenDoc(nextHash, hash, found.family_id, found.user_id));
    if (!claimed) {
      await this.revokeFamilyOf(found.family_id, 'reused', now);
      return { ok: false, reason: 'reused' };
    }
    await this.tokens.markRotated(hash, now);
    return {
      ok: true,
      userId: found.user_id,
      familyId: found.family_id,
      issue: async (user) => this.response(user, found.family_id, next),
    };
  }

  /** Ends the session a refresh token belongs to, if it is this user's. */
  async end(token: string, userId: string): Promise<boolean> {
    const doc = await this.tokens.findByHash(hashRefreshToken(token));
    if (!doc || doc.user_id !== userId) return false;
    await this.ended.end(doc.family_id, 'logout');
    await this.tokens.revokeFamily(doc.family_id, 'logout', new Date());
    return true;
  }

  /**
   * Ends a session: its refresh tokens (with `userId`, only if the family is that user's) and its access tokens.
   * Callers pass a session id from a verified access token or a refresh token they have checked.
   */
  async endFamily(familyId: string, reason: string, userId?: string): Promise<void> {
    await this.ended.end(familyId, reason);
    await this.tokens.revokeFamily(familyId, reason, new Date(), userId);
  }

  /** Ends every session of a user (disable, logout everywhere). */
  async endAll(userId: string, reason: string): Promise<void> {
    await this.tokens.revokeUser(userId, reason, new Date());
  }

  private async revokeFamilyOf(familyId: string, reason: string, at: Date): Promise<void> {
    // The access tokens first: after a replay the thief may hold one, and each request checks the session.
    await this.ended.end(familyId, reason, at.getTime());
    const n = await this.tokens.revokeFamily(familyId, reason, at);
    if (reason === 'reused' && n > 0) this.logger.warn(`refresh token reuse detected: session ${familyId} revoked`);
  }

  private tokenDoc(hash: string, parentId: string, familyId: string, userId: string) {
    const now = Date.now();
    return {
      _id: hash,
      parent_id: parentId,
      family_id: familyId,
      user_id: userId,
      created_at: new Date(now),
      expires_at: new Date(now + this.config.jwt.refreshTtlSeconds * 1000),
    };
  }

  private response(user: UserRecord, familyId: string, refresh: string): TokenResponse {
    return {
      access_token: this.access.sign(user, familyId),
      refresh_token: refresh,
      token_type: 'Bearer',
      expires_in: this.config.jwt.accessTtlSeconds,
      refresh_expires_in: this.config.jwt.refreshTtlSeconds,
      user: { id: String(user._id), username: user.username, email: user.email, roles: user.roles },
    };
  }
}
