import { Injectable, OnModuleInit, UnauthorizedException } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '@idm/core';
import type { TokenResponse, UserDto } from '@idm/contracts';
import { makeDummyHash, verifyPassword } from './policy/password-hashing';
import { LoginThrottle } from './sessions/login-throttle.service';
import { SessionsService } from './sessions/sessions.service';
import { UsersRepository } from './users/users.repository';
import { toUserDto } from './users/users.service';

/** Logins are refused for this many seconds (429 with Retry-After). */
export class LoginThrottledError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed logins: try again in ${retryAfterSeconds} s`);
  }
}

// One message for an unknown user and a wrong password, so the answer does not reveal which usernames exist.
const BAD_CREDENTIALS = 'invalid username or password';

/** Login, refresh, logout and the current user. */
@Injectable()
export class AuthService implements OnModuleInit {
  private dummyHash = '';
  private readonly logins: Counter<'result'>;
  private readonly refreshes: Counter<'result'>;

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottle,
    metrics: MetricsService,
  ) {
    this.logins = new Counter({
      name: 'idm_auth_logins_total',
      help: 'Login attempts by result (ok, bad_credentials, disabled, throttled)',
      labelNames: ['result'],
      registers: [metrics.registry],
    });
    this.refreshes = new Counter({
      name: 'idm_auth_refreshes_total',
      help: 'Refresh token rotations by result (ok, unknown, expired, revoked, reused, user_refused)',
      labelNames: ['result'],
      registers: [metrics.registry],
    });
  }

  async onModuleInit(): Promise<void> {
    this.dummyHash = await makeDummyHash();
  }

  async login(username: string, password: string, ip: string): Promise<TokenResponse> {
    const key = username.trim().toLowerCase();
    const user = await this.users.findByLogin(key);
    // One counter per account, whether it is tried by username or by e-mail (they had one each: 20 guesses, not 10).
    const account = user ? `id:${String(user._id)}` : `name:${key}`;
    const wait = await this.throttle.retryAfter(ip, account);
    if (wait > 0) {
      this.logins.inc({ result: 'throttled' });
      throw new LoginThrottledError(wait);
    }
    // Unknown users are verified against a dummy hash: same work, same timing, same answer.
    const ok = await verifyPassword(user?.password ?? this.dummyHash, password);
    if (!user || !ok) {
      await this.throttle.recordFailure(ip, account);
      this.logins.inc({ result: 'bad_credentials' });
      throw new UnauthorizedException({ message: BAD_CREDENTIALS });
    }
    if (user.disabled) {
      this.logins.inc({ result: 'disabled' });
      throw new UnauthorizedException({ message: 'account is disabled: ask an admin' });
    }
    await this.throttle.recordSuccess(account);
    const updated = (await this.users.update(user._id, { last_login_at: new Date() })) ?? user;
    this.logins.inc({ result: 'ok' });
    return this.sessions.start(updated);
  }

  async refresh(token: string): Promise<TokenResponse> {
    const outcome = await this.sessions.rotate(token);
    if (!outcome.ok) {
      this.refreshes.inc({ result: outcome.reason });
      const why = outcome.reason === 'unknown' ? 'is not valid' : outcome.reason === 'reused' ? 'was already used: the session has been ended for safety' : `is ${outcome.reason}`;
      throw new UnauthorizedException({ message: `refresh token ${why}; log in again` });
    }
    const user = await this.users.findById(outcome.userId);
    if (!user || user.disabled) {
      await this.sessions.endFamily(outcome.familyId, 'user_refused');
      this.refreshes.inc({ result: 'user_refused' });
      throw new UnauthorizedException({ message: user ? 'account is disabled: ask an admin' : 'refresh token is not valid; log in again' });
    }
    this.refreshes.inc({ result: 'ok' });
    return outcome.issue(user);
  }

  /**
   * Ends the session of the given refresh token, else the session of the access token used for the call;
   * with `all`, every session and every access token of the user.
   */
  async logout(userId: string, input: { refresh_token?: string; all?: boolean }, currentSessionId: string | null): Promise<void> {
    if (input.all) {
      const user = await this.users.findById(userId);
      if (user) await this.users.update(user._id, {}, true);
      await this.sessions.endAll(userId, 'logout_all');
      return;
    }
    if (input.refresh_token) await this.sessions.end(input.refresh_token, userId);
    else if (currentSessionId) await this.sessions.endFamily(currentSessionId, 'logout', userId);
  }

  async me(userId: string): Promise<UserDto> {
    const user = await this.users.findById(userId);
    if (!user) throw new UnauthorizedException({ message: 'access token is invalid' });
    return toUserDto(user);
  }
}
