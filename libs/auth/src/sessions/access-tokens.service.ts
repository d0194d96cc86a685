import { Injectable } from '@nestjs/common';
import { JwtService, TokenExpiredError } from '@nestjs/jwt';
import type { AuthUser } from '@idm/core';
import { AppConfig } from '@idm/core';
import type { Role } from '@idm/contracts';
import type { UserRecord } from '../users/users.repository';
import { EndedSessions } from './ended-sessions.service';
import { UserLookup } from './user-lookup.service';

/** Claims of an IDM access token. Roles are informative only: the guard reads them from the user. */
export interface AccessClaims {
  sub: string;
  username: string;
  roles: Role[];
  /** The user's token_version when issued; a bump (disable, logout everywhere) ends the token. */
  tv: number;
  /** The session (refresh token family) it belongs to. */
  sid: string;
}

/** Why a token or its user was refused; the HTTP guard answers 401 and sockets refuse the connection. */
export class AuthFailure extends Error {}

export const AUTH_MESSAGES = {
  missing: 'authentication required: send the access token as "Authorization: Bearer <token>"',
  expired: 'access token expired: refresh it with POST /auth/refresh',
  invalid: 'access token is invalid',
  disabled: 'account is disabled',
  ended: 'session has ended: log in again',
} as const;

/** Signs access JWTs and turns a verified one into the current `AuthUser` (loaded fresh by `_id`). */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UserLookup,
    private readonly config: AppConfig,
    private readonly sessions: EndedSessions,
  ) {}

  sign(user: UserRecord, sessionId: string): string {
    const claims: AccessClaims = { sub: String(user._id), username: user.username, roles: user.roles, tv: user.token_version, sid: sessionId };
    return this.jwt.sign(claims, { expiresIn: this.config.jwt.accessTtlSeconds });
  }

  /** The session id (`sid`) of an access token the guard has already verified; null if it has none. */
  sessionOf(token: string): string | null {
    const claims = this.jwt.decode<Partial<AccessClaims> | null>(token);
    return typeof claims?.sid === 'string' ? claims.sid : null;
  }

  /** When an access token the caller has already verified expires (epoch ms); null if it has no expiry. */
  expiresAt(token: string): number | null {
    const claims = this.jwt.decode<{ exp?: unknown } | null>(token);
    return typeof claims?.exp === 'number' ? claims.exp * 1000 : null;
  }

  /** Verifies signature and expiry, then loads the user: for sockets (HTTP goes through the passport strategy). */
  async authenticate(token: string | undefined | null): Promise<AuthUser> {
    if (!token) throw new AuthFailure(AUTH_MESSAGES.missing);
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token, { algorithms: ['HS256'] });
    } catch (err) {
      throw new AuthFailure(err instanceof TokenExpiredError ? AUTH_MESSAGES.expired : AUTH_MESSAGES.invalid);
    }
    return this.resolve(claims);
  }

  /**
   * The user behind verified claims, read by `_id` on every request (a pushed-down lookup on FerretDB), so
   * disabling a user or changing roles takes effect at once, not when the token expires (see UserLookup
   * for a database outage); the same for an ended session (EndedSessions).
   */
  async resolve(claims: Partial<AccessClaims>): Promise<AuthUser> {
    if (typeof claims.sub !== 'string' || typeof claims.tv !== 'number') throw new AuthFailure(AUTH_MESSAGES.invalid);
    const user = await this.users.byId(claims.sub);
    if (!user) throw new AuthFailure(AUTH_MESSAGES.invalid);
    if (user.disabled) throw new AuthFailure(AUTH_MESSAGES.disabled);
    if (user.token_version !== claims.tv) throw new AuthFailure(AUTH_MESSAGES.ended);
    // Logout or a replayed refresh token ended the session: its access tokens end with it, not at expiry.
    if (typeof claims.sid === 'string' && (await this.sessions.isEnded(claims.sid))) throw new AuthFailure(AUTH_MESSAGES.ended);
    return { id: String(user._id), username: user.username, roles: user.roles };
  }
}
